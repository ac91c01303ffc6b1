/* sl-processor-private.h: what the runtime needs from processors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-processor.h"

G_BEGIN_DECLS

typedef struct _SlRunner SlRunner;

/* Set by the runner on the processor's thread right after construction. */
void       _sl_processor_attach     (SlProcessor *self,
                                     SlRuntime   *runtime,
                                     SlRunner    *runner);
SlRunner  *_sl_processor_get_runner (SlProcessor *self);

G_END_DECLS
