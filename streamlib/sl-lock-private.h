/* sl-lock-private.h: GMutex/GCond wrappers that ThreadSanitizer understands
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

/* GLib's locks are futexes inside an uninstrumented libglib, so TSan cannot
 * see the ordering they give. Annotate the happens-before edges ourselves;
 * the annotations compile to nothing without TSan. */
#if defined(__SANITIZE_THREAD__)
# define SL_HAVE_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define SL_HAVE_TSAN 1
# endif
#endif

#ifdef SL_HAVE_TSAN
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
# define sl_tsan_acquire(addr) __tsan_acquire ((void *) (addr))
# define sl_tsan_release(addr) __tsan_release ((void *) (addr))
#else
# define sl_tsan_acquire(addr) G_STMT_START { (void) (addr); } G_STMT_END
# define sl_tsan_release(addr) G_STMT_START { (void) (addr); } G_STMT_END
#endif

static inline void
sl_mutex_lock (GMutex *mutex)
{
  g_mutex_lock (mutex);
  sl_tsan_acquire (mutex);
}

static inline void
sl_mutex_unlock (GMutex *mutex)
{
  sl_tsan_release (mutex);
  g_mutex_unlock (mutex);
}

static inline void
sl_cond_wait (GCond  *cond,
              GMutex *mutex)
{
  sl_tsan_release (mutex);
  g_cond_wait (cond, mutex);
  sl_tsan_acquire (mutex);
}

static inline gboolean
sl_cond_wait_until (GCond  *cond,
                    GMutex *mutex,
                    gint64  end_time)
{
  gboolean signalled;

  sl_tsan_release (mutex);
  signalled = g_cond_wait_until (cond, mutex, end_time);
  sl_tsan_acquire (mutex);

  return signalled;
}

typedef GMutex SlMutex;

static inline void
sl_mutex_locker_free (GMutex *mutex)
{
  sl_mutex_unlock (mutex);
}

static inline GMutex *
sl_mutex_locker_new (GMutex *mutex)
{
  sl_mutex_lock (mutex);
  return mutex;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlMutex, sl_mutex_locker_free)

/* g_autoptr(SlMutex) locker = sl_mutex_locker_new (&self->mutex); */
