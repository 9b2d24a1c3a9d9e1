/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pluto's settings (pluto.h), in their own file so unit tests link them */
#include "pluto.h"
#include "server/loop.h"

struct pluto_settings pluto = {
	.config = "/etc/ipsec.conf",
	.rundir = "/run/pluto",
	.nssdir = "/var/lib/ipsec/nss",
	.secretsfile = "/etc/ipsec.secrets",
	.logtime = true,
	.logappend = true,
	.uniqueids = true,
	.keep_alive = 20,
};

const struct config_setup *pluto_setup;

void pluto_shutdown(void)
{
	static bool shutting_down;
	if (shutting_down)
		return;
	shutting_down = true;
	loop_exit(PLUTO_EXIT_OK);
}
