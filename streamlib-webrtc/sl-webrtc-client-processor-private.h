/* sl-webrtc-client-processor-private.h: what whip-sink and whep-source share
 *
 * SlWebrtcClientProcessor is the abstract base of the two processors that
 * are clients of a WHIP/WHEP server. It owns their settings (url, token,
 * ice-servers, trickle), their SlWhipClient and pipeline, the read-only
 * state (connected, resource-url, frames, ice-restarts, server-ice-servers)
 * and the `restart-ice` action signal, and runs the session's setup,
 * process (the client's error), teardown and stop; a subclass builds the
 * media around the webrtcbin through the class hooks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <streamlib/streamlib.h>

#include "sl-whip-client-private.h"

G_BEGIN_DECLS

/* The property ids sl_webrtc_client_processor_class_install() uses are
 * below this one: a subclass numbers its own from it and chains up
 * get_property and set_property for the others. */
#define SL_WEBRTC_CLIENT_PROCESSOR_N_PROPS 10

#define SL_TYPE_WEBRTC_CLIENT_PROCESSOR (sl_webrtc_client_processor_get_type ())
G_DECLARE_DERIVABLE_TYPE (SlWebrtcClientProcessor, sl_webrtc_client_processor,
                          SL, WEBRTC_CLIENT_PROCESSOR, SlProcessor)

struct _SlWebrtcClientProcessorClass
{
  SlProcessorClass parent_class;

  /* Set by the subclass's class_init. */
  const char *factory;       /* "whip-sink": names the processor in warnings */
  const char *protocol;      /* "WHIP" or "WHEP": the client's kind */
  const char *missing_url;   /* the setup error when no url is set */

  /* All on the processor's thread. Setup, once the settings are checked
   * and before the client is made (optional). */
  gboolean (*prepare) (SlWebrtcClientProcessor  *self,
                       GError                  **error);
  /* Setup: the media around @webrtcbin, already in @pipeline, before the
   * pipeline plays; @client is not started yet. */
  gboolean (*build)   (SlWebrtcClientProcessor  *self,
                       SlWhipClient             *client,
                       GstElement               *pipeline,
                       GstElement               *webrtcbin,
                       GError                  **error);
  /* Stop: the session is closed, the pipeline not stopped yet (optional;
   * also called from dispose and after a failed setup). */
  void     (*stop)    (SlWebrtcClientProcessor  *self);
};

/* From a subclass's class_init (after it sets its own get_property and
 * set_property, if any): installs url, token, ice-servers, trickle,
 * connected, resource-url, frames, ice-restarts and server-ice-servers, and
 * the `restart-ice` action signal, on that class (the three blurbs say what
 * differs). */
void        sl_webrtc_client_processor_class_install   (SlWebrtcClientProcessorClass  *klass,
                                                        const char                    *url_blurb,
                                                        const char                    *connected_blurb,
                                                        const char                    *frames_blurb);

/* One more frame for the `frames` property. Any thread. */
void        sl_webrtc_client_processor_count_frame     (SlWebrtcClientProcessor       *self);
/* Whether the session failed in this run (its error already reported). */
gboolean    sl_webrtc_client_processor_has_failed      (SlWebrtcClientProcessor       *self);

/* For a WHEP counter-offer, on the client's thread. A webrtcbin for @client
 * with this run's ICE servers. */
GstElement *sl_webrtc_client_processor_make_webrtcbin  (SlWebrtcClientProcessor       *self,
                                                        SlWhipClient                  *client,
                                                        GError                       **error);
/* The running pipeline (a reference), NULL once stopping. */
GstElement *sl_webrtc_client_processor_dup_pipeline    (SlWebrtcClientProcessor       *self);
/* Makes @webrtcbin the session's one and returns the previous (transfer
 * full, nullable). */
GstElement *sl_webrtc_client_processor_swap_webrtcbin  (SlWebrtcClientProcessor       *self,
                                                        GstElement                    *webrtcbin);

G_END_DECLS
