/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A connection owns a private deep copy of the conn_config it was built
 * from, so the ipsec_conf that `ipsec add` loaded can be freed at once:
 * memory is one conn_config per connection, not one whole file per add.
 *
 * The copy mirrors lib/conf's list of heap fields (conf_conn_free_fields()
 * in lib/conf/values.c).  A pointer field added to struct conn_config or
 * struct conn_end must be added here too; testing/unit/pluto/
 * test_config_copy.c fills every pointer field, frees the original and
 * checks the copy under ASan.  The problems list is not copied (it points
 * into the ipsec_conf and only matters while adding).
 */
#ifndef PLUTO_CONN_CONFIG_COPY_H
#define PLUTO_CONN_CONFIG_COPY_H

#include "tern/conf.h"

struct conn_config *conn_config_copy(const struct conn_config *src);
/* frees a copy (or any conn_config whose heap fields were malloc()ed) */
void conn_config_copy_free(struct conn_config **c);

#endif
