/* st-where - an alias of st-filter (Spark's where): keeps the records for
 * which a Spark SQL predicate is true. See st-where(1) and st-expr(7). */
#define TOOL "st-where"
#include "st-filter.c"
