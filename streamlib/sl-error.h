/* sl-error.h: the streamlib error domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_INSIDE__) && !defined(STREAMLIB_COMPILATION)
#error "Only <streamlib/streamlib.h> can be included directly."
#endif

#include <glib.h>

#include "sl-version-macros.h"

G_BEGIN_DECLS

/**
 * SL_ERROR:
 *
 * The error domain of streamlib. Errors in this domain are from the
 * [enum@Streamlib.Error] enumeration.
 *
 * Since: 1.0
 */
#define SL_ERROR (sl_error_quark ())

/**
 * SlError:
 * @SL_ERROR_FAILED: a generic failure
 * @SL_ERROR_UNKNOWN_FACTORY: no processor factory has the given name
 * @SL_ERROR_UNKNOWN_NODE: no node has the given id
 * @SL_ERROR_UNKNOWN_PORT: the processor has no port of that name, or the port
 *   is ambiguous
 * @SL_ERROR_UNKNOWN_LINK: no link has the given id
 * @SL_ERROR_INCOMPATIBLE_CAPS: the media types of two ports cannot intersect
 * @SL_ERROR_CYCLE: the link would close a cycle
 * @SL_ERROR_DUPLICATE_ID: a node or link with that id already exists
 * @SL_ERROR_PORT_IN_USE: the input port already has a link
 * @SL_ERROR_UNKNOWN_PROPERTY: the processor has no property of that name
 * @SL_ERROR_INVALID_PROPERTY_VALUE: the value cannot be converted to the
 *   property's type or is out of its range
 * @SL_ERROR_INVALID_ARGUMENT: an argument is out of range (for example a link
 *   capacity of zero)
 * @SL_ERROR_PARSE: a JSON document or launch line is malformed
 * @SL_ERROR_INVALID_STATE: the call is not possible in the current state
 * @SL_ERROR_PLUGIN: a processor plugin module could not be loaded
 * @SL_ERROR_PROCESSOR_FAILED: a processor's `setup` or `process` failed
 * @SL_ERROR_TIMEOUT: an operation did not complete in time
 *
 * Error codes in the %SL_ERROR domain.
 *
 * Since: 1.0
 */
typedef enum {
  SL_ERROR_FAILED,
  SL_ERROR_UNKNOWN_FACTORY,
  SL_ERROR_UNKNOWN_NODE,
  SL_ERROR_UNKNOWN_PORT,
  SL_ERROR_UNKNOWN_LINK,
  SL_ERROR_INCOMPATIBLE_CAPS,
  SL_ERROR_CYCLE,
  SL_ERROR_DUPLICATE_ID,
  SL_ERROR_PORT_IN_USE,
  SL_ERROR_UNKNOWN_PROPERTY,
  SL_ERROR_INVALID_PROPERTY_VALUE,
  SL_ERROR_INVALID_ARGUMENT,
  SL_ERROR_PARSE,
  SL_ERROR_INVALID_STATE,
  SL_ERROR_PLUGIN,
  SL_ERROR_PROCESSOR_FAILED,
  SL_ERROR_TIMEOUT,
} SlError;

SL_AVAILABLE_IN_1_0
GQuark sl_error_quark (void);

G_END_DECLS
