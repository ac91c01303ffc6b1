/* sl-webrtc-util-private.h: helpers shared by the WHIP/WHEP clients and the endpoint
 *
 * Small, general pieces both sides of WHIP/WHEP need: preparing a webrtcbin
 * for ICE (loopback-friendly, no UPnP, optional STUN/TURN), collecting its
 * local candidates with a bounded wait, parsing SDP into a
 * GstWebRTCSessionDescription with an error that says what is wrong, the
 * `Link: rel="ice-server"` header, trickle-ice-sdpfrag bodies (RFC 8840) and
 * an SL_ERROR from an HTTP status.
 *
 * Unless a function says otherwise it keeps no state and any thread may call
 * it. None of them blocks except the waits (sl_webrtc_ice_gatherer_wait(),
 * sl_webrtc_create_description(), sl_webrtc_set_description()), all bounded.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/sdp/sdp.h>
#ifndef GST_USE_UNSTABLE_API
#define GST_USE_UNSTABLE_API
#endif
#include <gst/webrtc/webrtc.h>
#include <libsoup/soup.h>
#include <streamlib/streamlib.h>

G_BEGIN_DECLS

/* How long ICE gathering may take before a wait gives up (microseconds).
 * With host candidates on loopback it completes in milliseconds; STUN or
 * TURN servers can take a few seconds. */
#define SL_WEBRTC_GATHER_TIMEOUT (5 * G_TIME_SPAN_SECOND)

/* ---- ICE configuration ---------------------------------------------------- */

/* Checks a list of ICE server URLs, as the `ice-servers` properties take them:
 * `stun:HOST[:PORT]`, `turn:HOST[:PORT][?transport=udp|tcp]`,
 * `turns:HOST[:PORT][?transport=tcp]` (RFC 7064/7065), or webrtcbin's own
 * `stun://HOST:PORT`, `turn[s]://USER:PASSWORD@HOST:PORT`. Credentials of the
 * RFC form go in the userinfo (`turn:USER:PASSWORD@HOST`), percent-escaped.
 * Returns FALSE with an SL_ERROR_INVALID_PROPERTY_VALUE naming the first bad
 * URL. %NULL or empty is valid (no servers). */
gboolean     sl_webrtc_check_ice_servers     (const char * const  *ice_servers,
                                              GError             **error);

/* Like sl_webrtc_check_ice_servers() for one URL; usable as a string check. */
gboolean     sl_webrtc_check_ice_server      (const char          *url,
                                              GError             **error);

/* Checks a WHIP/WHEP endpoint URL: absolute http:// or https:// with a
 * host. Usable as an SlStringCheckFunc (SL_ERROR_INVALID_PROPERTY_VALUE). */
gboolean     sl_webrtc_check_http_url        (const char          *url,
                                              GError             **error);

/* Whether the host of @url is a loopback address (127.0.0.0/8, ::1,
 * "localhost"): then ICE should use loopback host candidates only. */
gboolean     sl_webrtc_url_is_loopback       (const char          *url);

/* Prepares @webrtcbin (in NULL or READY state, before any negotiation) for
 * ICE: UPnP off, ICE-TCP off, and @ice_servers (see
 * sl_webrtc_check_ice_servers()) given to webrtcbin as its stun-server and
 * TURN servers; without servers no STUN/TURN is used. With @loopback, 127.0.0.1
 * becomes the agent's only local address: libnice skips loopback otherwise,
 * and a loopback peer must not be offered the machine's other addresses.
 * Returns FALSE with an SL_ERROR naming what failed. */
gboolean     sl_webrtc_configure_ice         (GstElement          *webrtcbin,
                                              gboolean             loopback,
                                              const char * const  *ice_servers,
                                              GError             **error);

/* A G_TYPE_STRV property whose values sl_webrtc_check_ice_servers() must
 * accept: the graph refuses a bad list when it is set. (GStreamer 1.22
 * cannot parse a strv from text, so set it as a value, not from a string.) */
GParamSpec  *sl_webrtc_param_spec_ice_servers (const char         *name,
                                               const char         *blurb,
                                               GParamFlags         flags);

/* Makes @appsink hand each sample to @new_sample on its streaming thread:
 * no clock sync (the media is live), no last sample kept, at most
 * @max_buffers waiting. */
void         sl_webrtc_appsink_set_new_sample (GstElement         *appsink,
                                               guint               max_buffers,
                                               GstFlowReturn     (*new_sample) (GstAppSink *appsink,
                                                                                gpointer    user_data),
                                               gpointer            user_data);

/* ---- webrtcbin's promises, with a time limit ------------------------------ */

/* Emits "create-offer" (@type OFFER) or "create-answer" (@type ANSWER) with
 * @options (nullable) and waits for the description at most @timeout
 * microseconds or until @cancellable (nullable) is cancelled. */
GstWebRTCSessionDescription *sl_webrtc_create_description (GstElement          *webrtcbin,
                                                           GstWebRTCSDPType     type,
                                                           const GstStructure  *options,
                                                           gint64               timeout,
                                                           GCancellable        *cancellable,
                                                           GError             **error);

/* Emits "set-local-description" or "set-remote-description" and waits for
 * webrtcbin to accept @description the same way. The error names the side
 * and webrtcbin's reason. */
gboolean     sl_webrtc_set_description       (GstElement                  *webrtcbin,
                                              gboolean                     local,
                                              GstWebRTCSessionDescription *description,
                                              gint64                       timeout,
                                              GCancellable                *cancellable,
                                              GError                     **error);

/* ---- local candidates ----------------------------------------------------- */

/* One ICE candidate of a media section. */
typedef struct
{
  guint  mline_index;   /* the m-line of the session description it belongs to */
  char  *mid;           /* the section's a=mid, or NULL when not known */
  char  *candidate;     /* "candidate:…" (no "a=" prefix) */
} SlWebrtcCandidate;

SlWebrtcCandidate *sl_webrtc_candidate_new   (guint                mline_index,
                                              const char          *mid,
                                              const char          *candidate);
void         sl_webrtc_candidate_free        (SlWebrtcCandidate   *candidate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlWebrtcCandidate, sl_webrtc_candidate_free)

/* Collects the local candidates of one webrtcbin from the moment it is made
 * (make it before setting the local description) and tells when gathering
 * completes. Thread-safe: webrtcbin reports candidates on its own threads. */
typedef struct _SlWebrtcIceGatherer SlWebrtcIceGatherer;

/* @notify (nullable) is called, on a webrtcbin thread and with no lock held,
 * after each new candidate and when gathering completes. */
SlWebrtcIceGatherer *sl_webrtc_ice_gatherer_new (GstElement       *webrtcbin,
                                                 GFunc             notify,
                                                 gpointer          user_data);
/* Disconnects from the webrtcbin (waits for a running @notify to return, so
 * do not call it from @notify) and frees. */
void         sl_webrtc_ice_gatherer_free     (SlWebrtcIceGatherer *gatherer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlWebrtcIceGatherer, sl_webrtc_ice_gatherer_free)

/* Waits until gathering completes, at most @timeout microseconds or until
 * @cancellable (nullable) is cancelled. Returns FALSE with SL_ERROR_TIMEOUT
 * (or G_IO_ERROR_CANCELLED) otherwise. Never call it from a process() path
 * nor from a webrtcbin callback. */
gboolean     sl_webrtc_ice_gatherer_wait     (SlWebrtcIceGatherer *gatherer,
                                              gint64               timeout,
                                              GCancellable        *cancellable,
                                              GError             **error);
gboolean     sl_webrtc_ice_gatherer_is_complete (SlWebrtcIceGatherer *gatherer);
/* The candidates gathered since the last call (SlWebrtcCandidate*, owned by
 * the array), in order. */
GPtrArray   *sl_webrtc_ice_gatherer_take     (SlWebrtcIceGatherer *gatherer);
/* Every candidate gathered so far, taken or not. */
GPtrArray   *sl_webrtc_ice_gatherer_get_all  (SlWebrtcIceGatherer *gatherer);
/* Forgets what was gathered, for an ICE restart (webrtcbin gathers anew). */
void         sl_webrtc_ice_gatherer_reset    (SlWebrtcIceGatherer *gatherer);

/* ---- SDP -------------------------------------------------------------------- */

/* Parses @text (an offer or answer as sent over HTTP) and checks it is a
 * usable WebRTC description: a v= line, at least one m= section, each with
 * ICE credentials (a=ice-ufrag/a=ice-pwd, at session or media level) and a
 * DTLS a=fingerprint, unless the section is rejected (port 0).
 * Returns NULL with SL_ERROR_PARSE naming what is missing. */
GstWebRTCSessionDescription *sl_webrtc_sdp_parse (const char        *text,
                                                  GstWebRTCSDPType   type,
                                                  GError           **error);

/* Adds a=candidate lines (and, if @complete, a=end-of-candidates to every
 * section) to @sdp, each to the section of its mline_index. Candidates whose
 * section does not exist are skipped. */
void         sl_webrtc_sdp_add_candidates    (GstSDPMessage       *sdp,
                                              GPtrArray           *candidates,
                                              gboolean             complete);

/* The a=ice-ufrag and a=ice-pwd of @sdp (media level of the first section
 * that has them, else session level). FALSE if there are none. */
gboolean     sl_webrtc_sdp_get_ice_credentials (const GstSDPMessage *sdp,
                                                char               **ufrag,
                                                char               **pwd);

/* A copy of @sdp whose ICE credentials (every level) are @ufrag/@pwd and
 * whose a=candidate / a=end-of-candidates lines are removed: how the other
 * side's description looks after an ICE restart (RFC 9725 §4.3.2). */
GstSDPMessage *sl_webrtc_sdp_with_ice_credentials (const GstSDPMessage *sdp,
                                                   const char          *ufrag,
                                                   const char          *pwd);

/* @length random characters of the ICE alphabet (RFC 8839 ice-char:
 * letters, digits, '+' and '/'): new credentials for an ICE restart. An
 * ufrag needs at least 4, a password at least 22. */
char        *sl_webrtc_random_ice_string     (guint                length);

/* The index of the m-line whose a=mid is @mid, or -1. */
int          sl_webrtc_sdp_find_mid          (const GstSDPMessage *sdp,
                                              const char          *mid);

/* ---- trickle-ice-sdpfrag (RFC 8840) ------------------------------------- */

/* Builds an application/trickle-ice-sdpfrag body: a=ice-ufrag/a=ice-pwd
 * (if given), then for every section of @session (the local description the
 * candidates belong to) that has candidates, or every section when
 * @end_of_candidates, an "m=" line with its a=mid, its candidates and
 * optionally a=end-of-candidates. @candidates may be NULL or empty (an ICE
 * restart request carries only credentials). */
char        *sl_webrtc_trickle_build         (const GstSDPMessage *session,
                                              const char          *ufrag,
                                              const char          *pwd,
                                              GPtrArray           *candidates,
                                              gboolean             end_of_candidates);

/* Parses a trickle-ice-sdpfrag body. Sets @ufrag/@pwd (nullable outputs) to
 * its credentials or NULL, @end_of_candidates when it has the attribute.
 * Each candidate's mline_index is resolved through its a=mid in @session
 * (the description the fragment refers to; nullable: then the position of
 * the m= line in the fragment is used). Returns the candidates
 * (SlWebrtcCandidate*), or NULL with SL_ERROR_PARSE naming the bad line. */
GPtrArray   *sl_webrtc_trickle_parse         (const char          *fragment,
                                              const GstSDPMessage *session,
                                              char               **ufrag,
                                              char               **pwd,
                                              gboolean            *end_of_candidates,
                                              GError             **error);

/* ---- HTTP ------------------------------------------------------------------- */

/* The ICE servers of the `Link` headers with rel="ice-server" in @headers
 * (RFC 9725 §4.6), as URLs sl_webrtc_configure_ice() accepts: username and
 * credential parameters become the userinfo (`turn://USER:PASS@HOST:PORT`).
 * Links with another rel, or URLs that are not stun:/turn:/turns:, are
 * ignored. Returns a NULL-terminated array (possibly empty), never NULL. */
char       **sl_webrtc_parse_link_ice_servers (SoupMessageHeaders *headers);

/* The inverse, for a server: `<stun:HOST:PORT>; rel="ice-server"` (with
 * username/credential parameters for TURN URLs that carry userinfo). */
char        *sl_webrtc_format_link_ice_server (const char *url);

/* An SL_ERROR_FAILED (SL_ERROR_TIMEOUT for 408/504) that names the server
 * and what it said:
 *   "WHIP server http://host/whip/x answered 403 Forbidden: <body>"
 * @what is "WHIP server" or "WHEP server" …; @reason (nullable) defaults to
 * the status's standard phrase; @body (nullable) is shortened to one line of
 * at most 200 characters of printable text. A @status of 0 means no HTTP
 * answer at all: then @reason is the transport error ("cannot connect …"). */
GError      *sl_webrtc_error_from_status     (const char          *what,
                                              const char          *url,
                                              guint                status,
                                              const char          *reason,
                                              const char          *body);

G_END_DECLS
