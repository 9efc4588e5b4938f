/* wardmap rank: wards ranked on a composite need index (rank.h). */
#include "commands.h"

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

static const char rank_synopsis[] =
    "[--store PATH] [--indicator ID[:WEIGHT]]... [--method zscore|rank|quintile]\n"
    "                    [--format csv|markdown] [-o FILE.csv|FILE.md]... [--map OUT.png --top N]";

int wm_cmd_rank(int argc, char **argv, wm_error *err)
{
    return wm_cli_operation("rank", rank_synopsis, rank_description, argc, argv, err);
}
