/* wardmap rank: wards ranked on a composite need index (rank.h). */
#include "commands.h"
#include "rank.h"

#include <stdio.h>

static const char rank_description[] =
    "Ranks wards on a composite need index: each indicator is oriented by its polarity (from the\n"
    "store's metadata) so that more need is the same direction for all, then combined as the\n"
    "weighted mean of z-scores, the weighted mean of ranks, or the weighted count of indicators on\n"
    "which the ward is in the worst fifth.  Rank 1 = most need.  Each ward's rank range when each\n"
    "indicator is left out in turn, and when each weight is doubled or halved, shows how far the\n"
    "ranking depends on those choices.  The small-area view counts each ward's LSOAs in England's\n"
    "most deprived decile and whether they form one cluster of adjacent neighbourhoods, from the\n"
    "store's deciles, boundaries and links.  A ward missing any indicator gets no composite (never\n"
    "a guessed value).";

int wm_cmd_rank(int argc, char **argv, wm_error *err)
{
    wm_args a;
    if (wm_args_parse(&a, wm_rank_options, argc, argv, 0, err) != 0) return -1;
    if (a.help) {
        wm_args_usage(stdout, "rank",
                      "[--store PATH] [--indicator ID[:WEIGHT]]... [--method zscore|rank|quintile]\n"
                      "                    [--format csv|markdown] [-o FILE.csv|FILE.md]... [--map OUT.png --top N]",
                      rank_description, wm_rank_options);
        wm_args_free(&a);
        return 0;
    }
    wm_rank_spec spec;
    wm_report report;
    wm_report_init(&report);
    int rc = wm_rank_spec_from_args(&a, &spec, err);
    if (rc == 0) {
        wm_store_handle store = { spec.store, NULL };
        rc = wm_rank(&spec, &store, stdout, &report, err);
        wm_store_release(&store);
    }
    wm_cli_print_report(&report);
    wm_report_free(&report);
    wm_args_free(&a);
    return rc;
}
