/* libFuzzer harness: geojson_halves.h (a FeatureCollection cut in two),
 * on the fuzzer's bytes written to a file.  Beyond not crashing: a cut
 * falls on a comma; half 0, as GDAL reads it, is the bytes before the
 * comma and "]}", half 1 the bytes up to a "[" and those after the
 * comma; and when the bytes are strict JSON with one "features" member,
 * json-c reads both halves as JSON whose "features" arrays hold the
 * whole's elements between them. */
#include "fuzz.h"
#include "geojson_halves.h"

#include <cpl_vsi.h>
#include <json-c/json.h>
#include <unistd.h>

static char path[4096];

/* The scratch file goes when the fuzzer exits (run.sh also points TMPDIR
 * at a directory it removes, for a run that ends in a crash). */
static void remove_scratch(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    wm_gdal_init();
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(path, sizeof path, "%s/wardmap-fuzz-halves-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (n < 0 || (size_t)n >= sizeof path) abort();
    int fd = mkstemp(path);
    if (fd < 0) abort();
    close(fd);
    atexit(remove_scratch);
    return 0;
}

/* A half's bytes as GDAL reads them, in pieces of 7 bytes. */
static char *read_half(const char *half, size_t *len)
{
    VSILFILE *f = VSIFOpenL(half, "rb");
    WM_FUZZ_ASSERT(f != NULL);
    size_t cap = 64, n = 0, got;
    char *out = malloc(cap);
    for (;;) {
        if (n + 7 > cap) out = realloc(out, cap *= 2);
        if ((got = VSIFReadL(out + n, 1, 7, f)) == 0) break;
        n += got;
    }
    VSIFCloseL(f);
    *len = n;
    return out;
}

/* The length of the "features" array of strict JSON text, or -1. */
static long features_in(const char *text, size_t len)
{
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, text, (int)len), *features;
    long n = -1;
    if (root && json_tokener_get_error(tok) == json_tokener_success &&
        (size_t)json_tokener_get_parse_end(tok) + strspn(text + json_tokener_get_parse_end(tok), " \t\r\n") == len &&
        json_object_object_get_ex(root, "features", &features) && json_object_is_type(features, json_type_array))
        n = (long)json_object_array_length(features);
    json_object_put(root);
    json_tokener_free(tok);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) abort();
    if (size) fwrite(data, 1, size, fp);
    fclose(fp);
    wm_geojson_halves *h = wm_geojson_halves_open(path);
    if (!h) return 0;
    size_t cut = (size_t)wm_geojson_halves_cut(h), n0, n1;
    WM_FUZZ_ASSERT(cut >= 2 && cut <= size && data[cut - 1] == ',');
    char *h0 = read_half(wm_geojson_halves_path(h, 0), &n0), *h1 = read_half(wm_geojson_halves_path(h, 1), &n1);
    WM_FUZZ_ASSERT(n0 == cut + 1 && memcmp(h0, data, cut - 1) == 0 && memcmp(h0 + cut - 1, "]}", 2) == 0);
    size_t head = n1 - (size - cut);
    WM_FUZZ_ASSERT(n1 >= size - cut && head >= 2 && head < cut && h1[head - 1] == '[');
    WM_FUZZ_ASSERT(memcmp(h1, data, head) == 0 && memcmp(h1 + head, data + cut, size - cut) == 0);
    /* Strict JSON with one "features": the halves are JSON, and share its elements. */
    char *text = wm_fuzz_text(data, size);
    char *first = strstr(text, "\"features\"");
    if (strlen(text) == size && first && !strstr(first + 1, "\"features\"")) {
        long whole = features_in(text, size);
        if (whole >= 0) {
            long a = features_in(h0, n0), b = features_in(h1, n1);
            WM_FUZZ_ASSERT(a >= 1 && b >= 1 && a + b == whole);
        }
    }
    free(text);
    free(h0);
    free(h1);
    wm_geojson_halves_close(h);
    return 0;
}
