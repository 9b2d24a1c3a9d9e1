/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <linux/capability.h>
#include <cap-ng.h>

#include "server/caps.h"

static const struct { int cap; const char *name; } kept[] = {
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
	{ CAP_NET_BIND_SERVICE, "CAP_NET_BIND_SERVICE" },
	{ CAP_NET_RAW, "CAP_NET_RAW" },
};

void drop_capabilities(const struct logger *logger)
{
	capng_get_caps_process();
	/* without CAP_SETPCAP the bounding set cannot be changed */
	capng_select_t which = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP)
		? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS;
	capng_clear(which);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				 (which == CAPNG_SELECT_BOTH ? CAPNG_BOUNDING_SET : 0),
				 (unsigned)kept[i].cap) < 0) {
			llog(logger, LOG_SEV_WARNING, "libcap-ng: cannot keep %s", kept[i].name);
		}
	}
	int r = capng_apply(which);
	if (r < 0) {
		llog(logger, LOG_SEV_WARNING,
		     "libcap-ng: could not drop capabilities (error %d); running with the ones we were given", r);
		return;
	}
	LLOG_JAMBUF(logger, LOG_SEV_INFO, b) {
		jam_str(b, "dropped capabilities; keeping only");
		const char *sep = " ";
		capng_get_caps_process();
		for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
			if (capng_have_capability(CAPNG_EFFECTIVE, (unsigned)kept[i].cap)) {
				jam(b, "%s%s", sep, kept[i].name);
				sep = ", ";
			}
		}
		if (sep[0] == ' ')
			jam_str(b, " (none: not running as root)");
	}
}
