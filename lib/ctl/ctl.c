/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol codec: see include/tern/ctl.h for the wire format.
 * Pure: no sockets, no globals that change, no allocation except for a
 * diag on failure.
 */
#include <arpa/inet.h>
#include <string.h>
#include "tern/ctl.h"
#include "tern/log.h"

_Static_assert(CTL_SEV_DEBUG == (int)LOG_SEV_DEBUG && CTL_SEV_INFO == (int)LOG_SEV_INFO &&
	       CTL_SEV_WARNING == (int)LOG_SEV_WARNING && CTL_SEV_ERROR == (int)LOG_SEV_ERROR,
	       "enum ctl_severity mirrors enum log_severity");

/* ---- result codes ---- */

const struct ctl_rc_info ctl_rc_table[] = {
#define CTL_RC_ROW_(N, V, M) { V, "RC_" #N, M },
	CTL_RC_LIST(CTL_RC_ROW_)
#undef CTL_RC_ROW_
};
const size_t ctl_rc_table_len = sizeof(ctl_rc_table) / sizeof(ctl_rc_table[0]);

static const struct ctl_rc_info *rc_info(int rc)
{
	for (size_t i = 0; i < ctl_rc_table_len; i++)
		if (ctl_rc_table[i].rc == rc)
			return &ctl_rc_table[i];
	return NULL;
}

const char *ctl_rc_name(int rc)
{
	const struct ctl_rc_info *i = rc_info(rc);
	return i == NULL ? NULL : i->name;
}

const char *ctl_rc_meaning(int rc)
{
	const struct ctl_rc_info *i = rc_info(rc);
	return i == NULL ? NULL : i->meaning;
}

/* ---- attributes ---- */

enum attr_kind { K_STRING, K_U32, K_FLAG };

struct attr_spec {
	const char *name;
	enum attr_kind kind;
	size_t min, max;	/* string length bounds */
};

#define NR_ATTRS 8	/* attribute types 1..7 */
static const struct attr_spec attrs[NR_ATTRS] = {
	[CTL_ATTR_NAME] = { "NAME", K_STRING, 1, CTL_NAME_MAX },
	[CTL_ATTR_CONFIG] = { "CONFIG", K_STRING, 1, CTL_PATH_MAX },
	[CTL_ATTR_ASYNC] = { "ASYNC", K_FLAG, 0, 0 },
	[CTL_ATTR_DEBUG] = { "DEBUG", K_STRING, 1, CTL_DEBUG_MAX },
	[CTL_ATTR_TEXT] = { "TEXT", K_STRING, 0, CTL_TEXT_MAX },
	[CTL_ATTR_SEVERITY] = { "SEVERITY", K_U32, 0, 0 },
	[CTL_ATTR_RC] = { "RC", K_U32, 0, 0 },
};

static const struct attr_spec *attr_spec(unsigned a)
{
	return a < NR_ATTRS && attrs[a].name != NULL ? &attrs[a] : NULL;
}

const char *ctl_attr_name(unsigned attr)
{
	const struct attr_spec *s = attr_spec(attr);
	return s == NULL ? NULL : s->name;
}

/* ---- message types ---- */

#define A(a) (1u << (a))

struct type_spec {
	const char *name;
	unsigned required, optional;	/* masks of A(attr) */
};

static const struct type_spec requests[] = {
	[CTL_STATUS] = { "STATUS", 0, 0 },
	[CTL_GLOBALSTATUS] = { "GLOBALSTATUS", 0, 0 },
	[CTL_BRIEFSTATUS] = { "BRIEFSTATUS", 0, 0 },
	[CTL_TRAFFICSTATUS] = { "TRAFFICSTATUS", 0, A(CTL_ATTR_NAME) },
	[CTL_SHOWSTATES] = { "SHOWSTATES", 0, 0 },
	[CTL_CONNECTIONSTATUS] = { "CONNECTIONSTATUS", 0, A(CTL_ATTR_NAME) },
	[CTL_SHUTDOWN] = { "SHUTDOWN", 0, 0 },
	[CTL_LISTEN] = { "LISTEN", 0, 0 },
	[CTL_REREADSECRETS] = { "REREADSECRETS", 0, 0 },
	[CTL_REREADALL] = { "REREADALL", 0, 0 },
	[CTL_DEBUG] = { "DEBUG", A(CTL_ATTR_DEBUG), 0 },
	[CTL_ADD] = { "ADD", A(CTL_ATTR_NAME), A(CTL_ATTR_CONFIG) | A(CTL_ATTR_ASYNC) },
	[CTL_DELETE] = { "DELETE", A(CTL_ATTR_NAME), 0 },
	[CTL_REPLACE] = { "REPLACE", A(CTL_ATTR_NAME), A(CTL_ATTR_CONFIG) | A(CTL_ATTR_ASYNC) },
	[CTL_INITIATE] = { "INITIATE", A(CTL_ATTR_NAME), A(CTL_ATTR_ASYNC) },
	[CTL_TERMINATE] = { "TERMINATE", A(CTL_ATTR_NAME), 0 },
	[CTL_ROUTE] = { "ROUTE", A(CTL_ATTR_NAME), 0 },
	[CTL_UNROUTE] = { "UNROUTE", A(CTL_ATTR_NAME), 0 },
	[CTL_REKEY_IKE] = { "REKEY_IKE", A(CTL_ATTR_NAME), A(CTL_ATTR_ASYNC) },
	[CTL_REKEY_CHILD] = { "REKEY_CHILD", A(CTL_ATTR_NAME), A(CTL_ATTR_ASYNC) },
};

static const struct type_spec reply_log = {
	"LOG", A(CTL_ATTR_TEXT) | A(CTL_ATTR_SEVERITY), 0 };
static const struct type_spec reply_result = {
	"RESULT", A(CTL_ATTR_RC), A(CTL_ATTR_TEXT) };

static const struct type_spec *request_spec(unsigned t)
{
	if (t >= CTL_REQUEST_FIRST && t <= CTL_REQUEST_LAST)
		return &requests[t];
	return NULL;
}

static const struct type_spec *reply_spec(unsigned t)
{
	return t == CTL_LOG ? &reply_log : t == CTL_RESULT ? &reply_result : NULL;
}

static const struct type_spec *any_spec(unsigned t)
{
	const struct type_spec *s = request_spec(t);
	return s != NULL ? s : reply_spec(t);
}

const char *ctl_type_name(unsigned type)
{
	const struct type_spec *s = any_spec(type);
	return s == NULL ? NULL : s->name;
}

const char *ctl_request_type_name(unsigned type)
{
	const struct type_spec *s = request_spec(type);
	return s == NULL ? NULL : s->name;
}

bool ctl_request_takes(enum ctl_type type, enum ctl_attr attr)
{
	const struct type_spec *s = request_spec(type);
	return s != NULL && attr_spec(attr) != NULL &&
		((s->required | s->optional) & A(attr)) != 0;
}

bool ctl_request_requires(enum ctl_type type, enum ctl_attr attr)
{
	const struct type_spec *s = request_spec(type);
	return s != NULL && attr_spec(attr) != NULL && (s->required & A(attr)) != 0;
}

/* ---- byte helpers ---- */

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = (v >> 16) & 0xff; p[2] = (v >> 8) & 0xff; p[3] = v & 0xff;
}

/* ---- header ---- */

diag_t ctl_decode_header(const void *buf, size_t len, unsigned *type, uint32_t *seq)
{
	const uint8_t *p = buf;
	if (len < CTL_HEADER_SIZE)
		return diag("message too short: %zu bytes, the header alone is %d", len, CTL_HEADER_SIZE);
	if (len > CTL_MSG_MAX)
		return diag("message too long: %zu bytes, the maximum is %d", len, CTL_MSG_MAX);
	if (memcmp(p, CTL_MAGIC, 4) != 0)
		return diag("bad magic 0x%08x: not a tern control message", get32(p));
	unsigned version = get16(p + 4);
	if (version != CTL_VERSION)
		return diag("unsupported protocol version %u (this side speaks version %d)",
			    version, CTL_VERSION);
	uint32_t length = get32(p + 8);
	if (length != len)
		return diag("length field says %u bytes but the message has %zu", length, len);
	*type = get16(p + 6);
	*seq = get32(p + 12);
	return NULL;
}

/*
 * Walk the attributes of a message whose header was checked; record
 * where each known attribute's value sits (OFF/LEN indexed by type).
 */
struct found {
	unsigned mask;
	size_t off[NR_ATTRS];
	size_t len[NR_ATTRS];
};

static diag_t walk_attrs(const uint8_t *p, size_t len, const struct type_spec *ts,
			 struct found *f)
{
	memset(f, 0, sizeof(*f));
	size_t off = CTL_HEADER_SIZE;
	while (off < len) {
		size_t left = len - off;
		if (left < CTL_ATTR_HEADER_SIZE)
			return diag("truncated attribute header at offset %zu: %zu bytes left, need %d",
				    off, left, CTL_ATTR_HEADER_SIZE);
		unsigned at = get16(p + off);
		size_t alen = get16(p + off + 2);
		size_t voff = off + CTL_ATTR_HEADER_SIZE;
		if (alen > len - voff)
			return diag("attribute type %u at offset %zu: value length %zu overruns the message (%zu bytes left)",
				    at, off, alen, len - voff);
		if (at & CTL_ATTR_MAY_IGNORE) {
			off = voff + alen;	/* unknown but ignorable */
			continue;
		}
		const struct attr_spec *as = attr_spec(at);
		if (as == NULL)
			return diag("unknown attribute type %u at offset %zu", at, off);
		if (((ts->required | ts->optional) & A(at)) == 0)
			return diag("attribute %s at offset %zu is not allowed", as->name, off);
		if (f->mask & A(at))
			return diag("duplicate attribute %s at offset %zu", as->name, off);
		const uint8_t *v = p + voff;
		switch (as->kind) {
		case K_FLAG:
			if (alen != 0)
				return diag("attribute %s at offset %zu: length %zu, a flag has length 0",
					    as->name, off, alen);
			break;
		case K_U32:
			if (alen != 4)
				return diag("attribute %s at offset %zu: length %zu, expected 4",
					    as->name, off, alen);
			break;
		case K_STRING: {
			if (alen < as->min)
				return diag("attribute %s at offset %zu: empty string", as->name, off);
			if (alen > as->max)
				return diag("attribute %s at offset %zu: %zu bytes, longer than the maximum %zu",
					    as->name, off, alen, as->max);
			const uint8_t *nul = memchr(v, '\0', alen);
			if (nul != NULL)
				return diag("attribute %s at offset %zu: embedded NUL at byte %zu of the string",
					    as->name, off, (size_t)(nul - v));
			break;
		}
		}
		f->mask |= A(at);
		f->off[at] = voff;
		f->len[at] = alen;
		off = voff + alen;
	}
	unsigned missing = ts->required & ~f->mask;
	for (unsigned a = 0; a < NR_ATTRS; a++)
		if (missing & A(a))
			return diag("required attribute %s is missing", attrs[a].name);
	return NULL;
}

static void copy_str(char *dst, const uint8_t *p, const struct found *f, unsigned a)
{
	memcpy(dst, p + f->off[a], f->len[a]);
	dst[f->len[a]] = '\0';
}

diag_t ctl_decode_request(const void *buf, size_t len, struct ctl_request *out)
{
	const uint8_t *p = buf;
	unsigned type;
	uint32_t seq;
	diag_t d = ctl_decode_header(buf, len, &type, &seq);
	if (d != NULL)
		return d;
	const struct type_spec *ts = request_spec(type);
	if (ts == NULL) {
		if (reply_spec(type) != NULL)
			return diag("message type %s (%u) is a reply, not a request",
				    reply_spec(type)->name, type);
		return diag("unknown message type %u", type);
	}
	struct found f;
	d = walk_attrs(p, len, ts, &f);
	if (d != NULL)
		return diag_prefix(d, "%s request", ts->name);
	/* all checked: now, and only now, write the output */
	ctl_request_init(out, type);
	out->seq = seq;
	if (f.mask & A(CTL_ATTR_NAME)) {
		out->has_name = true;
		copy_str(out->name, p, &f, CTL_ATTR_NAME);
	}
	if (f.mask & A(CTL_ATTR_CONFIG)) {
		out->has_config = true;
		copy_str(out->config, p, &f, CTL_ATTR_CONFIG);
	}
	if (f.mask & A(CTL_ATTR_DEBUG)) {
		out->has_debug = true;
		copy_str(out->debug, p, &f, CTL_ATTR_DEBUG);
	}
	out->async = (f.mask & A(CTL_ATTR_ASYNC)) != 0;
	return NULL;
}

diag_t ctl_decode_reply(const void *buf, size_t len, struct ctl_reply *out)
{
	const uint8_t *p = buf;
	unsigned type;
	uint32_t seq;
	diag_t d = ctl_decode_header(buf, len, &type, &seq);
	if (d != NULL)
		return d;
	const struct type_spec *ts = reply_spec(type);
	if (ts == NULL) {
		if (request_spec(type) != NULL)
			return diag("message type %s (%u) is a request, not a reply",
				    request_spec(type)->name, type);
		return diag("unknown message type %u", type);
	}
	struct found f;
	d = walk_attrs(p, len, ts, &f);
	if (d == NULL && (f.mask & A(CTL_ATTR_SEVERITY))) {
		uint32_t sev = get32(p + f.off[CTL_ATTR_SEVERITY]);
		if (sev > CTL_SEV_LAST)
			d = diag("attribute SEVERITY: unknown severity %u", sev);
	}
	if (d == NULL && (f.mask & A(CTL_ATTR_RC))) {
		uint32_t rc = get32(p + f.off[CTL_ATTR_RC]);
		if (rc > 255)
			d = diag("attribute RC: result code %u out of range 0..255", rc);
	}
	if (d != NULL)
		return diag_prefix(d, "%s reply", ts->name);
	out->type = type;
	out->seq = seq;
	out->severity = CTL_SEV_INFO;
	out->rc = 0;
	if (f.mask & A(CTL_ATTR_SEVERITY))
		out->severity = get32(p + f.off[CTL_ATTR_SEVERITY]);
	if (f.mask & A(CTL_ATTR_RC))
		out->rc = (int)get32(p + f.off[CTL_ATTR_RC]);
	out->has_text = (f.mask & A(CTL_ATTR_TEXT)) != 0;
	out->text_len = 0;
	out->text[0] = '\0';
	if (out->has_text) {
		out->text_len = f.len[CTL_ATTR_TEXT];
		copy_str(out->text, p, &f, CTL_ATTR_TEXT);
	}
	return NULL;
}

/* ---- encoding ---- */

struct writer {
	uint8_t *p;
	size_t size, len;
	bool overflow;
};

static void w_bytes(struct writer *w, const void *v, size_t n)
{
	if (w->overflow || n > w->size - w->len) {
		w->overflow = true;
		return;
	}
	if (n > 0)
		memcpy(w->p + w->len, v, n);
	w->len += n;
}

static void w_header(struct writer *w, unsigned type, uint32_t seq)
{
	uint8_t h[CTL_HEADER_SIZE];
	memcpy(h, CTL_MAGIC, 4);
	put16(h + 4, CTL_VERSION);
	put16(h + 6, (uint16_t)type);
	put32(h + 8, 0);	/* patched by w_finish */
	put32(h + 12, seq);
	w_bytes(w, h, sizeof(h));
}

static void w_attr(struct writer *w, unsigned type, const void *v, size_t n)
{
	uint8_t h[CTL_ATTR_HEADER_SIZE];
	put16(h, (uint16_t)type);
	put16(h + 2, (uint16_t)n);
	w_bytes(w, h, sizeof(h));
	w_bytes(w, v, n);
}

static void w_u32(struct writer *w, unsigned type, uint32_t v)
{
	uint8_t b[4];
	put32(b, v);
	w_attr(w, type, b, 4);
}

static size_t w_finish(struct writer *w)
{
	if (w->overflow || w->len > CTL_MSG_MAX)
		return 0;
	put32(w->p + 8, (uint32_t)w->len);
	return w->len;
}

/* check a string the way the decoder will */
static diag_t check_str(unsigned a, const char *s, size_t n)
{
	const struct attr_spec *as = &attrs[a];
	if (n < as->min)
		return diag("attribute %s: empty string", as->name);
	if (n > as->max)
		return diag("attribute %s: %zu bytes, longer than the maximum %zu",
			    as->name, n, as->max);
	const char *nul = memchr(s, '\0', n);
	if (nul != NULL)
		return diag("attribute %s: embedded NUL at byte %zu of the string",
			    as->name, (size_t)(nul - s));
	return NULL;
}

void ctl_request_init(struct ctl_request *req, enum ctl_type type)
{
	memset(req, 0, sizeof(*req));
	req->type = type;
}

diag_t ctl_encode_request(const struct ctl_request *req, void *buf, size_t size, size_t *len)
{
	const struct type_spec *ts = request_spec(req->type);
	if (ts == NULL)
		return diag("cannot encode request: unknown request type %u", (unsigned)req->type);
	struct {
		unsigned attr;
		bool present;
		const char *s;
		size_t max;
	} strs[] = {
		{ CTL_ATTR_NAME, req->has_name, req->name, sizeof(req->name) },
		{ CTL_ATTR_CONFIG, req->has_config, req->config, sizeof(req->config) },
		{ CTL_ATTR_DEBUG, req->has_debug, req->debug, sizeof(req->debug) },
	};
	unsigned mask = req->async ? A(CTL_ATTR_ASYNC) : 0;
	size_t slen[3];
	for (size_t i = 0; i < 3; i++) {
		if (!strs[i].present)
			continue;
		mask |= A(strs[i].attr);
		slen[i] = strnlen(strs[i].s, strs[i].max);
		diag_t d = check_str(strs[i].attr, strs[i].s, slen[i]);
		if (d != NULL)
			return diag_prefix(d, "cannot encode %s request", ts->name);
	}
	for (unsigned a = 0; a < NR_ATTRS; a++) {
		if ((mask & A(a)) && !((ts->required | ts->optional) & A(a)))
			return diag("cannot encode %s request: attribute %s is not allowed",
				    ts->name, attrs[a].name);
		if ((ts->required & A(a)) && !(mask & A(a)))
			return diag("cannot encode %s request: the required attribute %s is missing",
				    ts->name, attrs[a].name);
	}
	struct writer w = { .p = buf, .size = size };
	w_header(&w, req->type, req->seq);
	for (size_t i = 0; i < 3; i++)
		if (strs[i].present)
			w_attr(&w, strs[i].attr, strs[i].s, slen[i]);
	if (req->async)
		w_attr(&w, CTL_ATTR_ASYNC, NULL, 0);
	size_t n = w_finish(&w);
	if (n == 0)
		return diag("cannot encode %s request: %zu byte buffer too small", ts->name, size);
	*len = n;
	return NULL;
}

diag_t ctl_encode_reply(const struct ctl_reply *r, void *buf, size_t size, size_t *len)
{
	const struct type_spec *ts = reply_spec(r->type);
	if (ts == NULL)
		return diag("cannot encode reply: unknown reply type %u", (unsigned)r->type);
	bool text = r->has_text || r->type == CTL_LOG;
	if (r->type == CTL_LOG && !r->has_text)
		return diag("cannot encode LOG reply: the required attribute TEXT is missing");
	if (text) {
		if (r->text_len > sizeof(r->text))
			return diag("cannot encode %s reply: text length %zu exceeds the buffer",
				    ts->name, r->text_len);
		diag_t d = check_str(CTL_ATTR_TEXT, r->text, r->text_len);
		if (d != NULL)
			return diag_prefix(d, "cannot encode %s reply", ts->name);
	}
	if (r->type == CTL_LOG && ((unsigned)r->severity > CTL_SEV_LAST))
		return diag("cannot encode LOG reply: unknown severity %u", (unsigned)r->severity);
	if (r->type == CTL_RESULT && (r->rc < 0 || r->rc > 255))
		return diag("cannot encode RESULT reply: result code %d out of range 0..255", r->rc);
	struct writer w = { .p = buf, .size = size };
	w_header(&w, r->type, r->seq);
	if (text)
		w_attr(&w, CTL_ATTR_TEXT, r->text, r->text_len);
	if (r->type == CTL_LOG)
		w_u32(&w, CTL_ATTR_SEVERITY, r->severity);
	else
		w_u32(&w, CTL_ATTR_RC, (uint32_t)r->rc);
	size_t n = w_finish(&w);
	if (n == 0)
		return diag("cannot encode %s reply: %zu byte buffer too small", ts->name, size);
	*len = n;
	return NULL;
}

static size_t safe_text_len(const char *text, size_t len)
{
	if (text == NULL)
		return 0;
	if (len > CTL_TEXT_MAX)
		len = CTL_TEXT_MAX;
	const char *nul = memchr(text, '\0', len);
	return nul != NULL ? (size_t)(nul - text) : len;
}

size_t ctl_build_log(void *buf, size_t size, uint32_t seq,
		     enum ctl_severity sev, const char *text, size_t len)
{
	len = safe_text_len(text, len);
	if ((unsigned)sev > CTL_SEV_LAST)
		sev = CTL_SEV_ERROR;
	struct writer w = { .p = buf, .size = size };
	w_header(&w, CTL_LOG, seq);
	w_attr(&w, CTL_ATTR_TEXT, text, len);
	w_u32(&w, CTL_ATTR_SEVERITY, sev);
	return w_finish(&w);
}

size_t ctl_build_result(void *buf, size_t size, uint32_t seq, int rc, const char *text)
{
	if (rc < 0 || rc > 255)
		rc = CTL_RC_INTERNAL_ERROR;
	struct writer w = { .p = buf, .size = size };
	w_header(&w, CTL_RESULT, seq);
	if (text != NULL)
		w_attr(&w, CTL_ATTR_TEXT, text, safe_text_len(text, CTL_TEXT_MAX));
	w_u32(&w, CTL_ATTR_RC, (uint32_t)rc);
	return w_finish(&w);
}
