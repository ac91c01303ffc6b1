/* sl-processor-private.h: what the runtime needs from processors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-processor.h"

G_BEGIN_DECLS

typedef struct _SlRunner SlRunner;

/* Set by the runner on the processor's thread right after construction;
 * cleared (NULL, NULL) when the runner ends, so an instance the application
 * kept becomes inert instead of reaching a freed runner. */
void       _sl_processor_attach     (SlProcessor *self,
                                     SlRuntime   *runtime,
                                     SlRunner    *runner);

G_END_DECLS
