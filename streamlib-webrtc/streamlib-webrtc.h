/* streamlib-webrtc.h: WHIP/WHEP publish, play and serve for streamlib
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __STREAMLIB_WEBRTC_H__
#define __STREAMLIB_WEBRTC_H__

#define __STREAMLIB_WEBRTC_INSIDE__

#include <streamlib/streamlib.h>

#include "sl-webrtc-endpoint.h"

#undef __STREAMLIB_WEBRTC_INSIDE__

#endif /* __STREAMLIB_WEBRTC_H__ */
