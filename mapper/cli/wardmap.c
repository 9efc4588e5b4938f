/* wardmap -- the command-line front end.
 *
 * It finds the command, hands it argv and prints the library's one-line
 * error.  Everything else lives in the library (commands.h).
 */
#include "commands.h"
#include "error.h"
#include "huge_pages.h"

#include <stdio.h>
#include <string.h>

/* The heap advised for huge pages at the start (huge_pages.h): a
 * national map's process peaks at about 190 MB. */
#define WM_HEAP_ADVISED ((size_t)256 << 20)

static void usage(FILE *fp)
{
    fprintf(fp, "usage: wardmap <command> [options]\n"
                "       wardmap --help | --version\n\n"
                "Maps inequality ward by ward: joins boundary layers to published indicator\n"
                "tables, classifies and renders choropleths, ranks wards, exports GeoPackages.\n\n"
                "commands:\n");
    for (const wm_command *c = wm_commands; c->name; c++)
        fprintf(fp, "  %-11s %s\n", c->name, c->summary);
    fprintf(fp, "\n'wardmap <command> --help' describes a command's options.\n"
                "'wardmap figures' with no argument writes the Coventry figure set into out/.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return WM_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("wardmap %s\n", WARDMAP_VERSION);
        return 0;
    }
    wm_huge_pages_heap(WM_HEAP_ADVISED);
    wm_gdal_init();
    wm_error err;
    wm_error_clear(&err);
    int rc = wm_command_run(argc - 1, argv + 1, &err);
    wm_shutdown();
    if (rc != 0) {
        fprintf(stderr, "wardmap: %s\n", err.msg[0] ? err.msg : "failed");
        return err.code ? err.code : rc;
    }
    return 0;
}
