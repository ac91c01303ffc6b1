/* test-processor.c: SlProcessor class data, instance ports
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <streamlib/streamlib.h>

#include "test-processors.h"

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define EMPTY_STRV ((const char * const[]) { NULL })

/* A small hierarchy to check that class data is inherited and copied on
 * write:
 *
 *   SlProcessor
 *   ├── TestPlain        (declares nothing)
 *   └── TestBase         in, out (video); description "base"
 *       ├── TestChild    in → ANY; + extra (audio output); MANUAL; "child"
 *       │   ├── TestGrandchild   (declares nothing)
 *       │   └── TestGrandchildSide  + side (input)
 *       └── TestSibling  + aux (input); CONTINUOUS
 */

#define TEST_TYPE_PLAIN (test_plain_get_type ())
G_DECLARE_FINAL_TYPE (TestPlain, test_plain, TEST, PLAIN, SlProcessor)

struct _TestPlain
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (TestPlain, test_plain, SL_TYPE_PROCESSOR)

static void
test_plain_class_init (TestPlainClass *klass)
{
}

static void
test_plain_init (TestPlain *self)
{
}

#define TEST_TYPE_BASE (test_base_get_type ())
G_DECLARE_DERIVABLE_TYPE (TestBase, test_base, TEST, BASE, SlProcessor)

struct _TestBaseClass
{
  SlProcessorClass parent_class;
};

G_DEFINE_TYPE (TestBase, test_base, SL_TYPE_PROCESSOR)

static void
test_base_class_init (TestBaseClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  g_autoptr(GstCaps) video = gst_caps_from_string ("video/x-raw");

  sl_processor_class_add_input_port (processor_class, "in", video);
  sl_processor_class_add_output_port (processor_class, "out", video);
  sl_processor_class_set_description (processor_class, "base");
}

static void
test_base_init (TestBase *self)
{
}

#define TEST_TYPE_CHILD (test_child_get_type ())
G_DECLARE_DERIVABLE_TYPE (TestChild, test_child, TEST, CHILD, TestBase)

struct _TestChildClass
{
  TestBaseClass parent_class;
};

G_DEFINE_TYPE (TestChild, test_child, TEST_TYPE_BASE)

static void
test_child_class_init (TestChildClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  g_autoptr(GstCaps) audio = gst_caps_from_string ("audio/x-raw");

  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_add_output_port (processor_class, "extra", audio);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_MANUAL);
  sl_processor_class_set_description (processor_class, "child");
}

static void
test_child_init (TestChild *self)
{
}

#define TEST_TYPE_GRANDCHILD (test_grandchild_get_type ())
G_DECLARE_FINAL_TYPE (TestGrandchild, test_grandchild, TEST, GRANDCHILD, TestChild)

struct _TestGrandchild
{
  TestChild parent_instance;
};

G_DEFINE_FINAL_TYPE (TestGrandchild, test_grandchild, TEST_TYPE_CHILD)

static void
test_grandchild_class_init (TestGrandchildClass *klass)
{
}

static void
test_grandchild_init (TestGrandchild *self)
{
}

#define TEST_TYPE_GRANDCHILD_SIDE (test_grandchild_side_get_type ())
G_DECLARE_FINAL_TYPE (TestGrandchildSide, test_grandchild_side, TEST, GRANDCHILD_SIDE, TestChild)

struct _TestGrandchildSide
{
  TestChild parent_instance;
};

G_DEFINE_FINAL_TYPE (TestGrandchildSide, test_grandchild_side, TEST_TYPE_CHILD)

static void
test_grandchild_side_class_init (TestGrandchildSideClass *klass)
{
  sl_processor_class_add_input_port (SL_PROCESSOR_CLASS (klass), "side", NULL);
}

static void
test_grandchild_side_init (TestGrandchildSide *self)
{
}

#define TEST_TYPE_SIBLING (test_sibling_get_type ())
G_DECLARE_FINAL_TYPE (TestSibling, test_sibling, TEST, SIBLING, TestBase)

struct _TestSibling
{
  TestBase parent_instance;
};

G_DEFINE_FINAL_TYPE (TestSibling, test_sibling, TEST_TYPE_BASE)

static void
test_sibling_class_init (TestSiblingClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  sl_processor_class_add_input_port (processor_class, "aux", NULL);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_CONTINUOUS);
}

static void
test_sibling_init (TestSibling *self)
{
}

/* A class that declares a port name with a dot: refused. */

#define TEST_TYPE_DOTTED (test_dotted_get_type ())
G_DECLARE_FINAL_TYPE (TestDotted, test_dotted, TEST, DOTTED, SlProcessor)

struct _TestDotted
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (TestDotted, test_dotted, SL_TYPE_PROCESSOR)

static void
test_dotted_class_init (TestDottedClass *klass)
{
  sl_processor_class_add_input_port (SL_PROCESSOR_CLASS (klass), "bad.name", NULL);
}

static void
test_dotted_init (TestDotted *self)
{
}

/* Helpers */

static void
assert_ports (GType                type,
              SlPortDirection      direction,
              const char * const  *expected)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);
  g_auto(GStrv) ports = sl_processor_class_list_ports (SL_PROCESSOR_CLASS (klass), direction);

  g_assert_cmpstrv (ports, expected);
}

static void
assert_port_caps (GType            type,
                  SlPortDirection  direction,
                  const char      *port,
                  const char      *expected)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);
  GstCaps *caps = sl_processor_class_get_port_caps (SL_PROCESSOR_CLASS (klass), direction, port);
  g_autoptr(GstCaps) wanted = gst_caps_from_string (expected);

  g_assert_nonnull (caps);
  g_assert_nonnull (wanted);
  if (!gst_caps_is_equal (caps, wanted))
    {
      g_autofree char *text = gst_caps_to_string (caps);

      g_error ("%s %s has caps “%s”, not “%s”", g_type_name (type), port, text, expected);
    }
}

static SlExecutionMode
get_execution_mode (GType type)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);

  return sl_processor_class_get_execution_mode (SL_PROCESSOR_CLASS (klass));
}

static const char *
get_description (GType type)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);

  /* Class data lives as long as the type. */
  return sl_processor_class_get_description (SL_PROCESSOR_CLASS (klass));
}

static GstSample *
new_video_sample (GstBuffer **buffer_out)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw");
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, 16, NULL);
  GstSample *sample = gst_sample_new (buffer, caps, NULL, NULL);

  /* The sample holds its own reference to the buffer. */
  if (buffer_out != NULL)
    *buffer_out = buffer;
  else
    gst_buffer_unref (buffer);

  return sample;
}

/* Class data */

static void
test_class_ports (void)
{
  assert_ports (TEST_TYPE_VIDEO_FILTER, SL_PORT_INPUT, STRV ("in"));
  assert_ports (TEST_TYPE_VIDEO_FILTER, SL_PORT_OUTPUT, STRV ("out"));
  assert_ports (TEST_TYPE_VIDEO_SOURCE, SL_PORT_INPUT, EMPTY_STRV);
  assert_ports (TEST_TYPE_VIDEO_SOURCE, SL_PORT_OUTPUT, STRV ("out"));
  assert_ports (TEST_TYPE_ANY_SINK, SL_PORT_INPUT, STRV ("in"));
  assert_ports (TEST_TYPE_ANY_SINK, SL_PORT_OUTPUT, EMPTY_STRV);
  assert_ports (TEST_TYPE_TWO_IN, SL_PORT_INPUT, STRV ("a", "b"));
  assert_ports (TEST_TYPE_TWO_IN, SL_PORT_OUTPUT, STRV ("out"));
  assert_ports (TEST_TYPE_PLAIN, SL_PORT_INPUT, EMPTY_STRV);
  assert_ports (TEST_TYPE_PLAIN, SL_PORT_OUTPUT, EMPTY_STRV);
  assert_ports (SL_TYPE_PROCESSOR, SL_PORT_INPUT, EMPTY_STRV);
}

static void
test_class_port_caps (void)
{
  g_autoptr(GTypeClass) filter = g_type_class_ref (TEST_TYPE_VIDEO_FILTER);
  g_autoptr(GTypeClass) sink = g_type_class_ref (TEST_TYPE_ANY_SINK);
  GstCaps *caps;

  assert_port_caps (TEST_TYPE_VIDEO_FILTER, SL_PORT_INPUT, "in", "video/x-raw");
  assert_port_caps (TEST_TYPE_VIDEO_FILTER, SL_PORT_OUTPUT, "out", "video/x-raw");
  assert_port_caps (TEST_TYPE_AUDIO_SOURCE, SL_PORT_OUTPUT, "out", "audio/x-raw");

  /* NULL caps declare ANY. */
  caps = sl_processor_class_get_port_caps (SL_PROCESSOR_CLASS (sink), SL_PORT_INPUT, "in");
  g_assert_nonnull (caps);
  g_assert_true (gst_caps_is_any (caps));

  /* Unknown names, and names in the other direction. */
  g_assert_null (sl_processor_class_get_port_caps (SL_PROCESSOR_CLASS (filter), SL_PORT_INPUT, "nope"));
  g_assert_null (sl_processor_class_get_port_caps (SL_PROCESSOR_CLASS (filter), SL_PORT_INPUT, "out"));
  g_assert_null (sl_processor_class_get_port_caps (SL_PROCESSOR_CLASS (filter), SL_PORT_OUTPUT, "in"));
}

static void
test_class_execution_mode (void)
{
  g_autoptr(GTypeClass) klass = NULL;

  /* The default. */
  g_assert_cmpint (get_execution_mode (TEST_TYPE_VIDEO_FILTER), ==, SL_EXECUTION_REACTIVE);
  g_assert_cmpint (get_execution_mode (TEST_TYPE_PLAIN), ==, SL_EXECUTION_REACTIVE);
  g_assert_cmpint (get_execution_mode (SL_TYPE_PROCESSOR), ==, SL_EXECUTION_REACTIVE);
  g_assert_cmpint (get_execution_mode (TEST_TYPE_BASE), ==, SL_EXECUTION_REACTIVE);

  /* Set in class init. */
  g_assert_cmpint (get_execution_mode (TEST_TYPE_VIDEO_SOURCE), ==, SL_EXECUTION_CONTINUOUS);
  g_assert_cmpint (get_execution_mode (TEST_TYPE_CHILD), ==, SL_EXECUTION_MANUAL);

  /* Set later (as Python and JavaScript classes do, right after the class
   * is defined): TestPlain has no class data yet. */
  klass = g_type_class_ref (TEST_TYPE_PLAIN);
  sl_processor_class_set_execution_mode (SL_PROCESSOR_CLASS (klass), SL_EXECUTION_MAIN_CONTEXT);
  g_assert_cmpint (get_execution_mode (TEST_TYPE_PLAIN), ==, SL_EXECUTION_MAIN_CONTEXT);
  g_assert_cmpint (get_execution_mode (SL_TYPE_PROCESSOR), ==, SL_EXECUTION_REACTIVE);
  sl_processor_class_set_execution_mode (SL_PROCESSOR_CLASS (klass), SL_EXECUTION_REACTIVE);
  g_assert_cmpint (get_execution_mode (TEST_TYPE_PLAIN), ==, SL_EXECUTION_REACTIVE);
}

static void
test_class_description (void)
{
  g_assert_cmpstr (get_description (TEST_TYPE_VIDEO_SOURCE), ==, "A video source for tests");
  g_assert_null (get_description (TEST_TYPE_VIDEO_FILTER));
  g_assert_null (get_description (SL_TYPE_PROCESSOR));
  g_assert_cmpstr (get_description (TEST_TYPE_BASE), ==, "base");
  g_assert_cmpstr (get_description (TEST_TYPE_CHILD), ==, "child");
}

static void
test_class_inheritance (void)
{
  /* Initialise the deepest classes first, then check every level. */
  g_autoptr(GTypeClass) grandchild = g_type_class_ref (TEST_TYPE_GRANDCHILD);
  g_autoptr(GTypeClass) side = g_type_class_ref (TEST_TYPE_GRANDCHILD_SIDE);
  g_autoptr(GTypeClass) sibling = g_type_class_ref (TEST_TYPE_SIBLING);

  /* The base keeps what it declared. */
  assert_ports (TEST_TYPE_BASE, SL_PORT_INPUT, STRV ("in"));
  assert_ports (TEST_TYPE_BASE, SL_PORT_OUTPUT, STRV ("out"));
  assert_port_caps (TEST_TYPE_BASE, SL_PORT_INPUT, "in", "video/x-raw");
  g_assert_cmpint (get_execution_mode (TEST_TYPE_BASE), ==, SL_EXECUTION_REACTIVE);
  g_assert_cmpstr (get_description (TEST_TYPE_BASE), ==, "base");

  /* The child inherits "out", replaces the caps of "in" and adds "extra". */
  assert_ports (TEST_TYPE_CHILD, SL_PORT_INPUT, STRV ("in"));
  assert_ports (TEST_TYPE_CHILD, SL_PORT_OUTPUT, STRV ("out", "extra"));
  assert_port_caps (TEST_TYPE_CHILD, SL_PORT_INPUT, "in", "ANY");
  assert_port_caps (TEST_TYPE_CHILD, SL_PORT_OUTPUT, "out", "video/x-raw");
  assert_port_caps (TEST_TYPE_CHILD, SL_PORT_OUTPUT, "extra", "audio/x-raw");
  g_assert_cmpint (get_execution_mode (TEST_TYPE_CHILD), ==, SL_EXECUTION_MANUAL);
  g_assert_cmpstr (get_description (TEST_TYPE_CHILD), ==, "child");

  /* A grandchild that declares nothing has all of its parent's. */
  assert_ports (TEST_TYPE_GRANDCHILD, SL_PORT_INPUT, STRV ("in"));
  assert_ports (TEST_TYPE_GRANDCHILD, SL_PORT_OUTPUT, STRV ("out", "extra"));
  assert_port_caps (TEST_TYPE_GRANDCHILD, SL_PORT_INPUT, "in", "ANY");
  assert_port_caps (TEST_TYPE_GRANDCHILD, SL_PORT_OUTPUT, "extra", "audio/x-raw");
  g_assert_cmpint (get_execution_mode (TEST_TYPE_GRANDCHILD), ==, SL_EXECUTION_MANUAL);
  g_assert_cmpstr (get_description (TEST_TYPE_GRANDCHILD), ==, "child");

  /* A grandchild that adds a port does not change its parent. */
  assert_ports (TEST_TYPE_GRANDCHILD_SIDE, SL_PORT_INPUT, STRV ("in", "side"));
  assert_ports (TEST_TYPE_GRANDCHILD_SIDE, SL_PORT_OUTPUT, STRV ("out", "extra"));
  g_assert_cmpint (get_execution_mode (TEST_TYPE_GRANDCHILD_SIDE), ==, SL_EXECUTION_MANUAL);
  assert_ports (TEST_TYPE_CHILD, SL_PORT_INPUT, STRV ("in"));
  assert_ports (TEST_TYPE_GRANDCHILD, SL_PORT_INPUT, STRV ("in"));

  /* A sibling sees the base's ports, not the child's. */
  assert_ports (TEST_TYPE_SIBLING, SL_PORT_INPUT, STRV ("in", "aux"));
  assert_ports (TEST_TYPE_SIBLING, SL_PORT_OUTPUT, STRV ("out"));
  assert_port_caps (TEST_TYPE_SIBLING, SL_PORT_INPUT, "in", "video/x-raw");
  g_assert_cmpint (get_execution_mode (TEST_TYPE_SIBLING), ==, SL_EXECUTION_CONTINUOUS);
  g_assert_cmpstr (get_description (TEST_TYPE_SIBLING), ==, "base");

  /* And after all that, the base is still as declared. */
  assert_ports (TEST_TYPE_BASE, SL_PORT_INPUT, STRV ("in"));
  assert_ports (TEST_TYPE_BASE, SL_PORT_OUTPUT, STRV ("out"));
  assert_port_caps (TEST_TYPE_BASE, SL_PORT_INPUT, "in", "video/x-raw");
}

static void
test_class_inherited_instances (void)
{
  g_autoptr(SlProcessor) base = g_object_new (TEST_TYPE_BASE, "id", "base", NULL);
  g_autoptr(SlProcessor) side = g_object_new (TEST_TYPE_GRANDCHILD_SIDE, "id", "side", NULL);
  GPtrArray *ports;

  ports = sl_processor_get_input_ports (base);
  g_assert_cmpuint (ports->len, ==, 1);
  ports = sl_processor_get_output_ports (base);
  g_assert_cmpuint (ports->len, ==, 1);

  ports = sl_processor_get_input_ports (side);
  g_assert_cmpuint (ports->len, ==, 2);
  g_assert_cmpstr (sl_input_port_get_name (g_ptr_array_index (ports, 0)), ==, "in");
  g_assert_cmpstr (sl_input_port_get_name (g_ptr_array_index (ports, 1)), ==, "side");
  g_assert_true (gst_caps_is_any (sl_input_port_get_caps (g_ptr_array_index (ports, 0))));
  ports = sl_processor_get_output_ports (side);
  g_assert_cmpuint (ports->len, ==, 2);
  g_assert_cmpstr (sl_output_port_get_name (g_ptr_array_index (ports, 0)), ==, "out");
  g_assert_cmpstr (sl_output_port_get_name (g_ptr_array_index (ports, 1)), ==, "extra");
  g_assert_nonnull (sl_processor_get_output_port (side, "extra"));
  g_assert_null (sl_processor_get_output_port (base, "extra"));
}

static void
test_class_dotted_port_name (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GTypeClass) klass = g_type_class_ref (TEST_TYPE_DOTTED);
      return;
    }

  /* A dot would make "node.port" ambiguous: refused as a programming error. */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*");
}

/* Instances */

static void
test_instance_ports (void)
{
  g_autoptr(SlProcessor) filter = g_object_new (TEST_TYPE_VIDEO_FILTER, "id", "f", NULL);
  g_autoptr(SlProcessor) other = g_object_new (TEST_TYPE_VIDEO_FILTER, "id", "f2", NULL);
  g_autoptr(GstCaps) video = gst_caps_from_string ("video/x-raw");
  SlInputPort *input;
  SlOutputPort *output;
  GPtrArray *ports;

  g_assert_cmpstr (sl_processor_get_id (filter), ==, "f");

  input = sl_processor_get_input_port (filter, "in");
  g_assert_nonnull (input);
  g_assert_cmpstr (sl_input_port_get_name (input), ==, "in");
  g_assert_true (sl_input_port_get_processor (input) == filter);
  g_assert_true (gst_caps_is_equal (sl_input_port_get_caps (input), video));

  output = sl_processor_get_output_port (filter, "out");
  g_assert_nonnull (output);
  g_assert_cmpstr (sl_output_port_get_name (output), ==, "out");
  g_assert_true (sl_output_port_get_processor (output) == filter);
  g_assert_true (gst_caps_is_equal (sl_output_port_get_caps (output), video));

  /* Wrong direction or unknown name. */
  g_assert_null (sl_processor_get_input_port (filter, "out"));
  g_assert_null (sl_processor_get_output_port (filter, "in"));
  g_assert_null (sl_processor_get_input_port (filter, "nope"));

  ports = sl_processor_get_input_ports (filter);
  g_assert_cmpuint (ports->len, ==, 1);
  g_assert_true (g_ptr_array_index (ports, 0) == input);
  ports = sl_processor_get_output_ports (filter);
  g_assert_cmpuint (ports->len, ==, 1);
  g_assert_true (g_ptr_array_index (ports, 0) == output);

  /* Each instance has its own ports. */
  g_assert_true (sl_processor_get_input_port (other, "in") != input);
  g_assert_true (sl_input_port_get_processor (sl_processor_get_input_port (other, "in")) == other);
}

static void
test_instance_ports_order (void)
{
  g_autoptr(SlProcessor) mix = g_object_new (TEST_TYPE_TWO_IN, "id", "mix", NULL);
  g_autoptr(SlProcessor) plain = g_object_new (TEST_TYPE_PLAIN, NULL);
  GPtrArray *ports;

  ports = sl_processor_get_input_ports (mix);
  g_assert_cmpuint (ports->len, ==, 2);
  g_assert_cmpstr (sl_input_port_get_name (g_ptr_array_index (ports, 0)), ==, "a");
  g_assert_cmpstr (sl_input_port_get_name (g_ptr_array_index (ports, 1)), ==, "b");
  g_assert_true (g_ptr_array_index (ports, 1) == sl_processor_get_input_port (mix, "b"));
  g_assert_true (gst_caps_is_any (sl_input_port_get_caps (g_ptr_array_index (ports, 0))));

  /* A processor made without an id, and without ports. */
  g_assert_null (sl_processor_get_id (plain));
  g_assert_cmpuint (sl_processor_get_input_ports (plain)->len, ==, 0);
  g_assert_cmpuint (sl_processor_get_output_ports (plain)->len, ==, 0);
}

static void
test_unlinked_output_drops (void)
{
  g_autoptr(SlProcessor) source = g_object_new (TEST_TYPE_VIDEO_SOURCE, "id", "src", NULL);
  SlOutputPort *output = sl_processor_get_output_port (source, "out");
  GstBuffer *buffer = NULL;
  GstSample *sample = new_video_sample (&buffer);

  g_assert_cmpuint (sl_output_port_get_n_links (output), ==, 0);
  g_assert_cmpuint (sl_output_port_get_unlinked_drops (output), ==, 0);

  /* Ports are never empty: the plug takes the sample (transfer full),
   * drops it and counts it. */
  sl_output_port_push (output, sample);
  g_assert_cmpuint (sl_output_port_get_unlinked_drops (output), ==, 1);
  g_assert_cmpint (GST_MINI_OBJECT_REFCOUNT_VALUE (buffer), ==, 1);

  for (guint i = 0; i < 9; i++)
    sl_output_port_push (output, new_video_sample (NULL));
  g_assert_cmpuint (sl_output_port_get_unlinked_drops (output), ==, 10);
  g_assert_cmpuint (sl_output_port_get_n_links (output), ==, 0);

  gst_buffer_unref (buffer);
}

static void
test_unlinked_drops_per_port (void)
{
  g_autoptr(SlProcessor) one = g_object_new (TEST_TYPE_VIDEO_SOURCE, "id", "one", NULL);
  g_autoptr(SlProcessor) two = g_object_new (TEST_TYPE_VIDEO_SOURCE, "id", "two", NULL);

  /* No process-wide state: each port counts its own drops. */
  sl_output_port_push (sl_processor_get_output_port (one, "out"), new_video_sample (NULL));
  sl_output_port_push (sl_processor_get_output_port (one, "out"), new_video_sample (NULL));
  g_assert_cmpuint (sl_output_port_get_unlinked_drops (sl_processor_get_output_port (one, "out")), ==, 2);
  g_assert_cmpuint (sl_output_port_get_unlinked_drops (sl_processor_get_output_port (two, "out")), ==, 0);
}

static void
test_unlinked_input (void)
{
  g_autoptr(SlProcessor) sink = g_object_new (TEST_TYPE_ANY_SINK, "id", "sink", NULL);
  SlInputPort *input = sl_processor_get_input_port (sink, "in");
  GstSample *sample;

  g_assert_false (sl_input_port_is_linked (input));
  sample = sl_input_port_pop (input);
  g_assert_null (sample);
  g_assert_false (sl_input_port_is_eos (input));

  /* Asking again changes nothing. */
  sample = sl_input_port_pop (input);
  g_assert_null (sample);
  g_assert_false (sl_input_port_is_eos (input));
}

static void
test_port_properties (void)
{
  g_autoptr(SlProcessor) filter = g_object_new (TEST_TYPE_VIDEO_FILTER, "id", "f", NULL);
  g_autofree char *input_name = NULL;
  g_autofree char *output_name = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GObject) processor = NULL;

  g_object_get (sl_processor_get_input_port (filter, "in"),
                "name", &input_name,
                "caps", &caps,
                "processor", &processor,
                NULL);
  g_assert_cmpstr (input_name, ==, "in");
  g_assert_true (gst_caps_is_equal (caps, sl_input_port_get_caps (sl_processor_get_input_port (filter, "in"))));
  g_assert_true (processor == G_OBJECT (filter));

  g_object_get (sl_processor_get_output_port (filter, "out"), "name", &output_name, NULL);
  g_assert_cmpstr (output_name, ==, "out");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/processor/class/ports", test_class_ports);
  g_test_add_func ("/processor/class/port-caps", test_class_port_caps);
  g_test_add_func ("/processor/class/execution-mode", test_class_execution_mode);
  g_test_add_func ("/processor/class/description", test_class_description);
  g_test_add_func ("/processor/class/inheritance", test_class_inheritance);
  g_test_add_func ("/processor/class/inherited-instances", test_class_inherited_instances);
  g_test_add_func ("/processor/class/dotted-port-name", test_class_dotted_port_name);
  g_test_add_func ("/processor/instance/ports", test_instance_ports);
  g_test_add_func ("/processor/instance/ports-order", test_instance_ports_order);
  g_test_add_func ("/processor/instance/unlinked-output-drops", test_unlinked_output_drops);
  g_test_add_func ("/processor/instance/unlinked-drops-per-port", test_unlinked_drops_per_port);
  g_test_add_func ("/processor/instance/unlinked-input", test_unlinked_input);
  g_test_add_func ("/processor/instance/port-properties", test_port_properties);

  return g_test_run ();
}
