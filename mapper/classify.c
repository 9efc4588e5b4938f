#include "classify.h"
int wm_classify(const double *values, size_t n, wm_class_method method, int k,
                const double *breaks, int nbreaks, wm_classes *out, wm_error *err)
{ (void)values;(void)n;(void)method;(void)k;(void)breaks;(void)nbreaks;(void)out; return wm_error_set(err, 2, "todo"); }
