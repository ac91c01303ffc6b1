/* sl-whip-client-private.h: the WHIP/WHEP client's signalling session
 *
 * One SlWhipClient negotiates one webrtcbin with one WHIP (RFC 9725) or WHEP
 * server and keeps the HTTP resource it creates. All HTTP and ICE work runs
 * on the client's own thread, with its own GMainContext and SoupSession;
 * the owner (a processor) only starts it, polls it for an error without
 * blocking, asks for an ICE restart and closes it (bounded).
 *
 * The negotiation: create the offer, set it as local description, wait
 * (bounded) for ICE gathering unless trickling, POST the offer
 * (application/sdp, Accept application/sdp, `Authorization: Bearer` when a
 * token is set; 307/308 redirects followed with method and body kept, at most
 * 5), then
 *   - 201 Created: the `Location` (resolved against the URL that answered)
 *     is the session's resource, `ETag` its entity tag, `Link:
 *     rel="ice-server"` its ICE servers (used from the next ICE restart); the
 *     body is the SDP answer;
 *   - 406 with an SDP offer (WHEP only, when a renew function is set): a
 *     counter-offer. The owner gives a fresh webrtcbin (the old one holds a
 *     local offer it cannot roll back), which answers; the answer goes back
 *     in a PATCH application/sdp to the resource;
 *   - anything else: an error naming the URL, the status, the reason and
 *     the start of the body.
 * Local candidates found after the POST are trickled in PATCH
 * application/trickle-ice-sdpfrag with `If-Match: <ETag>` (a server that
 * answers 405, 422 or 501 does not trickle: the client stops trying). An ICE
 * restart sends new credentials with `If-Match: *` and applies the server's
 * answer fragment. Closing DELETEs the resource, within a time limit.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-webrtc-util-private.h"

G_BEGIN_DECLS

/* The longest an HTTP request may wait for the server (seconds). */
#define SL_WHIP_CLIENT_HTTP_TIMEOUT 10
/* How long closing waits for the DELETE by default (microseconds). */
#define SL_WHIP_CLIENT_CLOSE_TIMEOUT (3 * G_TIME_SPAN_SECOND)

typedef enum
{
  SL_WHIP_CLIENT_STATE_NEW,
  SL_WHIP_CLIENT_STATE_NEGOTIATING,   /* offer/answer under way */
  SL_WHIP_CLIENT_STATE_NEGOTIATED,    /* answer applied: ICE and DTLS under way */
  SL_WHIP_CLIENT_STATE_CONNECTED,     /* media can flow */
  SL_WHIP_CLIENT_STATE_FAILED,        /* see sl_whip_client_take_error() */
  SL_WHIP_CLIENT_STATE_CLOSED,
} SlWhipClientState;

#define SL_TYPE_WHIP_CLIENT (sl_whip_client_get_type ())
G_DECLARE_FINAL_TYPE (SlWhipClient, sl_whip_client, SL, WHIP_CLIENT, GObject)

/* Called on the signalling thread after a 406 counter-offer: returns a new
 * webrtcbin (configured with sl_webrtc_configure_ice(), in the running
 * pipeline, its transceivers free) that takes the server's offer, or NULL
 * with @error set. The client drops its hold on the previous one, which the
 * owner may then remove. */
typedef GstElement *(*SlWhipClientRenewFunc) (SlWhipClient  *client,
                                              gpointer       user_data,
                                              GError       **error);

/* @kind is "WHIP" or "WHEP" (error messages say "WHIP server …"); @url the
 * endpoint; @token (nullable) a Bearer token; @name names the thread. The
 * thread starts at once; nothing is sent before sl_whip_client_start(). */
SlWhipClient      *sl_whip_client_new              (const char            *kind,
                                                    const char            *url,
                                                    const char            *token,
                                                    const char            *name);

/* A webrtcbin ready for this client: max-bundle (RFC 9725 §4.2), ICE set
 * up by sl_webrtc_configure_ice() — loopback host candidates only when the
 * server's URL is a loopback one — with @ice_servers (nullable). Any thread. */
GstElement        *sl_whip_client_make_webrtcbin   (SlWhipClient          *self,
                                                    const char * const    *ice_servers,
                                                    GError               **error);

/* Configuration, before sl_whip_client_start(), from the owner's thread. */
/* Trickle: POST the offer at once and send every candidate by PATCH
 * (default: wait for gathering, bounded, and put the candidates in the
 * offer; only late ones are trickled). */
void               sl_whip_client_set_trickle      (SlWhipClient          *self,
                                                    gboolean               trickle);
void               sl_whip_client_set_renew_func   (SlWhipClient          *self,
                                                    SlWhipClientRenewFunc  func,
                                                    gpointer               user_data);
/* @notify is called on any thread, without locks held, when the state
 * changes or an error is recorded (a processor schedules itself). */
void               sl_whip_client_set_notify       (SlWhipClient          *self,
                                                    GFunc                  notify,
                                                    gpointer               user_data);
/* Records the first ERROR @pipeline posts as the client's error. */
void               sl_whip_client_watch_pipeline   (SlWhipClient          *self,
                                                    GstElement            *pipeline);
void               sl_whip_client_unwatch_pipeline (SlWhipClient          *self,
                                                    GstElement            *pipeline);

/* Starts the negotiation of @webrtcbin (its transceivers added, its ICE
 * configured, its pipeline playing) on the signalling thread. Non-blocking;
 * any thread, once. */
void               sl_whip_client_start            (SlWhipClient          *self,
                                                    GstElement            *webrtcbin);

/* Non-blocking; any thread. */
SlWhipClientState  sl_whip_client_get_state        (SlWhipClient          *self);
/* TRUE (and a copy in @error) once the session has failed. */
gboolean           sl_whip_client_take_error       (SlWhipClient          *self,
                                                    GError               **error);
gboolean           sl_whip_client_has_error        (SlWhipClient          *self);
/* The session's resource URL (Location resolved), once created. */
char              *sl_whip_client_dup_resource_url (SlWhipClient          *self);
/* The ICE servers the server's Link headers gave (never NULL). */
char             **sl_whip_client_dup_link_ice_servers (SlWhipClient      *self);
/* How many ICE restarts the server accepted. */
guint              sl_whip_client_get_ice_restarts (SlWhipClient          *self);

/* Queues an ICE restart (new credentials PATCHed with If-Match: *) on the
 * signalling thread. Non-blocking; any thread. A restart the server refuses
 * fails the session. */
void               sl_whip_client_restart_ice      (SlWhipClient          *self);

/* Stops the negotiation and queues the DELETE of the resource; returns at
 * once. Any thread. */
void               sl_whip_client_close_async      (SlWhipClient          *self);
/* Closes (as above) and waits at most @timeout microseconds for the DELETE
 * and the thread to end; past that the request is cancelled and the thread
 * left to finish alone. From the owner's thread, never the signalling one.
 * Returns FALSE if the DELETE was not acknowledged (the reason in @error). */
gboolean           sl_whip_client_close            (SlWhipClient          *self,
                                                    gint64                 timeout,
                                                    GError               **error);

G_END_DECLS
