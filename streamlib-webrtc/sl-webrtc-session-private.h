/* sl-webrtc-session-private.h: one WHIP or WHEP session, between the endpoint
 * and the processor that carries its media
 *
 * The endpoint speaks HTTP; the processors (whip-ingest, whep-serve) own the
 * media. A session is the piece in between: one peer connection (a pipeline
 * holding a webrtcbin), the remote offer, the local answer, the ICE state and
 * the HTTP identity of the resource (id, ETag).
 *
 *   endpoint thread            worker thread              any thread
 *   ---------------            -------------              ----------
 *   session_new (offer)   →    negotiate:                 trickle candidates
 *   host attach (media)        remote offer, answer,      close (blocking,
 *   negotiate_async       →    gathering (bounded)        bounded)
 *                         ←    answer text
 *
 * A processor that can hold sessions implements SlWebrtcSessionHost: attach
 * adds its media elements to the session's pipeline (before negotiation, so
 * that webrtcbin answers with them) and detach takes them back. The session
 * keeps its host alive until it is closed; the host closes the sessions it
 * still holds in its teardown.
 *
 * A session ends exactly once: closed by its owner (DELETE), by its host
 * (teardown) or by itself (ICE or DTLS failed, a pipeline error). The end
 * function its owner sets is called once, when it first ends, from whatever
 * thread saw the end and with no lock held: it must only hand the news to its
 * own thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <streamlib/streamlib.h>

G_BEGIN_DECLS

/* How long a whole negotiation (offer in → answer with candidates out) may
 * take before the endpoint gives up (microseconds). Gathering on loopback
 * takes milliseconds; STUN/TURN servers a few seconds. */
#define SL_WEBRTC_NEGOTIATION_TIMEOUT (10 * G_TIME_SPAN_SECOND)

typedef enum
{
  SL_WEBRTC_SESSION_WHIP,       /* a publisher sends media in (whip-ingest) */
  SL_WEBRTC_SESSION_WHEP,       /* a viewer receives media (whep-serve) */
} SlWebrtcSessionKind;

/* "whip" / "whep" */
const char *sl_webrtc_session_kind_to_string (SlWebrtcSessionKind kind);

/* ---- the host interface (whip-ingest, whep-serve) ------------------------ */

#define SL_WEBRTC_TYPE_SESSION_HOST (sl_webrtc_session_host_get_type ())
G_DECLARE_INTERFACE (SlWebrtcSessionHost, sl_webrtc_session_host, SL_WEBRTC, SESSION_HOST, SlProcessor)

typedef struct _SlWebrtcSession SlWebrtcSession;

/**
 * SlWebrtcSessionHostInterface:
 * @kind: the sessions the host accepts
 * @attach: adds the host's media elements for @session to its pipeline
 *   (sl_webrtc_session_get_pipeline(), before negotiation) and starts
 *   counting it. Called on the endpoint's thread; must not block. Fails with
 *   SL_ERROR_INVALID_STATE when the processor is not running (set up and not
 *   torn down), SL_ERROR_PORT_IN_USE when it cannot take another session
 *   (a second publisher), SL_ERROR_INVALID_ARGUMENT when the offer has
 *   nothing the host can use (no VP8 video nor Opus audio)
 * @detach: forgets @session: no more media goes to or comes from it. Called
 *   exactly once for every attached session, by sl_webrtc_session_close(),
 *   from any thread but a GStreamer streaming thread, before the session's
 *   pipeline stops
 */
struct _SlWebrtcSessionHostInterface
{
  GTypeInterface parent_iface;

  SlWebrtcSessionKind kind;

  gboolean (* attach) (SlWebrtcSessionHost  *self,
                       SlWebrtcSession      *session,
                       GError              **error);
  void     (* detach) (SlWebrtcSessionHost  *self,
                       SlWebrtcSession      *session);
};

SlWebrtcSessionKind sl_webrtc_session_host_get_kind (SlWebrtcSessionHost *self);

/* For a host's attach: TRUE if @running, else FALSE with the
 * SL_ERROR_INVALID_STATE "WHIP node “ID” is not running" (or WHEP). */
gboolean            sl_webrtc_session_host_check_running (SlWebrtcSessionHost  *self,
                                                          gboolean              running,
                                                          GError              **error);

/* ---- the session --------------------------------------------------------- */

#define SL_WEBRTC_TYPE_SESSION (sl_webrtc_session_get_type ())
G_DECLARE_FINAL_TYPE (SlWebrtcSession, sl_webrtc_session, SL_WEBRTC, SESSION, GObject)

/* Called once when the session ends; @reason is NULL for a close, else why
 * it ended (ICE failed …). Any thread, no lock held. */
typedef void (* SlWebrtcSessionEndFunc) (SlWebrtcSession *session,
                                         const char      *reason,
                                         gpointer         user_data);

/* Parses and checks @offer (SL_ERROR_PARSE naming what is wrong) and builds
 * the session's pipeline around a webrtcbin configured for ICE with
 * @ice_servers (nullable); with @loopback (the peer reached us through a
 * loopback address) 127.0.0.1 is its only host candidate. Nothing runs
 * yet. Any thread. */
SlWebrtcSession     *sl_webrtc_session_new           (SlWebrtcSessionKind   kind,
                                                      const char           *node_id,
                                                      const char           *offer,
                                                      gboolean              loopback,
                                                      const char * const   *ice_servers,
                                                      GError              **error);

/* Attaches the session to @host (the host's attach; see above). On success
 * the session holds @host until it is closed. */
gboolean             sl_webrtc_session_attach        (SlWebrtcSession      *self,
                                                      SlWebrtcSessionHost  *host,
                                                      GError              **error);

/* Sets the end function (see SlWebrtcSessionEndFunc). Set it before
 * negotiating; at most once. */
void                 sl_webrtc_session_set_end_func  (SlWebrtcSession        *self,
                                                      SlWebrtcSessionEndFunc  func,
                                                      gpointer                user_data,
                                                      GDestroyNotify          destroy);

/* Plays the pipeline and negotiates on a worker thread: remote offer,
 * answer, local description, ICE gathering; everything bounded by
 * SL_WEBRTC_NEGOTIATION_TIMEOUT. The answer (with the local candidates) is
 * returned as SDP text. @callback runs on the caller's thread-default main
 * context. Errors: SL_ERROR_PARSE / SL_ERROR_INVALID_ARGUMENT when webrtcbin
 * refuses the offer, SL_ERROR_TIMEOUT, G_IO_ERROR_CANCELLED. */
void                 sl_webrtc_session_negotiate_async  (SlWebrtcSession      *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
char                *sl_webrtc_session_negotiate_finish (SlWebrtcSession      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* Applies a trickle-ice-sdpfrag body (RFC 8840) from the peer: its
 * candidates are given to webrtcbin. Fails with SL_ERROR_PARSE for a
 * malformed fragment, SL_ERROR_INVALID_ARGUMENT for an ICE restart (other
 * ICE credentials: not supported), SL_ERROR_INVALID_STATE once closed.
 * Never blocks. Any thread. */
gboolean             sl_webrtc_session_add_remote_candidates (SlWebrtcSession  *self,
                                                              const char       *fragment,
                                                              GError          **error);

/* Ends the session: detaches it from its host, stops its pipeline (blocks
 * while GStreamer stops it: do not call it from a GStreamer streaming thread
 * or a process() path), drops the host, calls the end function if it has
 * not been called. Idempotent; any thread. */
void                 sl_webrtc_session_close         (SlWebrtcSession      *self);
gboolean             sl_webrtc_session_is_closed     (SlWebrtcSession      *self);
/* Whether the peer connection was established (ICE and DTLS) at least once. */
gboolean             sl_webrtc_session_has_connected (SlWebrtcSession      *self);
/* Whether it ended, closed or not yet (the end function was called). */
gboolean             sl_webrtc_session_has_ended     (SlWebrtcSession      *self);

SlWebrtcSessionKind  sl_webrtc_session_get_kind      (SlWebrtcSession      *self);
/* A random id, unique in practice: the last segment of the resource URL. */
const char          *sl_webrtc_session_get_id        (SlWebrtcSession      *self);
const char          *sl_webrtc_session_get_node_id   (SlWebrtcSession      *self);
/* The entity tag of the current ICE session, quoted ("\"…\""). */
const char          *sl_webrtc_session_get_etag      (SlWebrtcSession      *self);
/* The remote offer, as parsed. */
const GstSDPMessage *sl_webrtc_session_get_offer     (SlWebrtcSession      *self);
/* The session's pipeline and its webrtcbin, for the host's attach. */
GstElement          *sl_webrtc_session_get_pipeline  (SlWebrtcSession      *self);
GstElement          *sl_webrtc_session_get_webrtcbin (SlWebrtcSession      *self);
/* The host's per-session data (set in attach, freed at close after
 * detach). */
void                 sl_webrtc_session_set_host_data (SlWebrtcSession      *self,
                                                      gpointer              data,
                                                      GDestroyNotify        destroy);
gpointer             sl_webrtc_session_get_host_data (SlWebrtcSession      *self);

/* The payload type of the first codec named @encoding (case-insensitive,
 * "VP8", "OPUS") in the offer's first section of @media ("video",
 * "audio") that is not rejected, or -1. */
gint                 sl_webrtc_sdp_find_payload      (const GstSDPMessage  *sdp,
                                                      const char           *media,
                                                      const char           *encoding);

G_END_DECLS
