/* need_columns.h -- the need index as columns of a machine-readable
 * table, the same for every table that ranks on it: the wards' ranking
 * (rank.h) and the candidate localities (candidates.h).
 *
 * For indicators ID1..IDk, the columns are
 *     ID1, ID1_rank, ..., IDk, IDk_rank, index_METHOD,
 *     rank_leave_one_out_min, rank_leave_one_out_max,
 *     rank_weights_min, rank_weights_max
 * with values at full precision (%.10g), "" for No data, and the four
 * rank ranges empty for an area with no composite rank.
 */
#ifndef WM_NEED_COLUMNS_H
#define WM_NEED_COLUMNS_H

#include "need_index.h"
#include "text_table.h"

#include <stddef.h>

/* How many columns the heads and cells below take for k indicators. */
#define WM_NEED_COLUMNS(k) (2 * (k) + 5)

/* A value as a table shows it: full precision for machines ("" for No
 * data), or for readers a whole number when it is one, else 2 decimals
 * ("No data"). */
void wm_need_format_value(char *buf, size_t size, double v, int full);

/* Write the heads from column *c on, advancing *c.  Returns non-zero on
 * failure (text_table.h's convention). */
int wm_need_columns_head(wm_text_table *t, size_t *c, const char *const *ids, size_t k, wm_need_method method);

/* Write row `row`'s cells for area i of `x` (values: its k indicator
 * values) from column *c on, advancing *c. */
int wm_need_columns_row(wm_text_table *t, size_t row, size_t *c, const wm_need_index *x, size_t i,
                        const double *values, size_t k);

/* The readers' heads: "ID (rank)" per indicator, "Index" and the two rank
 * ranges. */
int wm_need_columns_head_text(wm_text_table *t, size_t *c, const char *const *ids, size_t k);

/* The same for readers (a Markdown table): per indicator "VALUE (RANK)"
 * ("No data" alone), the index (a z-score to 2 decimals), then the two
 * rank ranges as "MIN-MAX", empty with no composite rank: k + 3 columns. */
int wm_need_columns_row_text(wm_text_table *t, size_t row, size_t *c, const wm_need_index *x, size_t i,
                             const double *values, size_t k);

#endif
