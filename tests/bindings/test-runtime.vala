/* test-runtime.vala: the runtime's core scenario from Vala: a Vala processor
 * on its own thread between C processors, a live property change, signals in
 * the main loop (on the main thread), drain, and a Vala processor that fails.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

const int64 TIMEOUT_US = 20 * 1000 * 1000;

/* Sends each frame `factor` times; records whether it ever ran on the main
 * thread. */
public class ValaScale : Streamlib.Processor {
    public int factor { get; set; default = 1; }
    public bool ran_on_main_thread = false;
    public unowned Thread<void>? main_thread;
    private unowned Streamlib.InputPort input;
    private unowned Streamlib.OutputPort output;

    static construct {
        add_input_port ("in", null);
        add_output_port ("out", null);
    }

    public override bool setup () throws GLib.Error {
        input = get_input_port ("in");
        output = get_output_port ("out");
        return true;
    }

    public override bool process () throws GLib.Error {
        if (Thread.self<void> () == main_thread)
            ran_on_main_thread = true;
        Gst.Sample? sample;
        while ((sample = input.pop ()) != null) {
            for (int i = 0; i < factor; i++)
                output.push (sample);
        }
        return true;
    }
}

public class ValaBroken : Streamlib.Processor {
    static construct {
        add_input_port ("in", null);
    }

    public override bool process () throws GLib.Error {
        while (get_input_port ("in").pop () != null)
            ;
        throw new Streamlib.Error.FAILED ("broken on purpose");
    }
}

struct Event {
    public string kind;
    public string? node;
    public int state;
    public bool on_main_thread;
}

class Recorder : Object {
    public Event[] events = {};
    public string? error_node = null;
    public string? error_message = null;
    unowned Thread<void> main_thread;

    public Recorder (Streamlib.Runtime runtime) {
        main_thread = Thread.self<void> ();
        runtime.state_changed.connect ((old_state, new_state) => {
            add ("state", null, new_state);
        });
        runtime.processor_state_changed.connect ((node, state) => {
            add ("processor", node, state);
        });
        runtime.error.connect ((node, error) => {
            add ("error", node, 0);
            error_node = node;
            error_message = error.message;
        });
        runtime.committed.connect (() => add ("committed", null, 0));
    }

    void add (string kind, string? node, int state) {
        events += Event () {
            kind = kind, node = node, state = state,
            on_main_thread = Thread.self<void> () == main_thread
        };
    }

    public bool has (string kind, int state = -1) {
        foreach (unowned Event e in events)
            if (e.kind == kind && (state < 0 || e.state == state))
                return true;
        return false;
    }

    public int[] states (string kind, string? node = null) {
        int[] result = {};
        foreach (unowned Event e in events)
            if (e.kind == kind && (node == null || e.node == node))
                result += e.state;
        return result;
    }

    public bool all_on_main_thread () {
        foreach (unowned Event e in events)
            if (!e.on_main_thread)
                return false;
        return true;
    }
}

delegate bool Condition ();

/* Iterates the main context until the condition holds; fails the test after
 * TIMEOUT_US. A 1 ms timeout bounds each blocking iteration. */
static void wait_for (Condition condition, string what) {
    var deadline = get_monotonic_time () + TIMEOUT_US;
    while (!condition ()) {
        if (get_monotonic_time () > deadline)
            error ("timed out waiting for %s", what);
        var source = new TimeoutSource (1);
        source.set_callback (() => Source.REMOVE);
        source.attach (MainContext.default ());
        MainContext.default ().iteration (true);
        source.destroy ();
    }
}

static int64 count (Streamlib.Runtime runtime, string node) {
    var processor = runtime.get_processor (node);
    if (processor == null)
        return -1;
    int64 value;
    processor.get ("count", out value);
    return value;
}

static string join_states (int[] states) {
    var builder = new StringBuilder ();
    foreach (var state in states)
        builder.append_printf ("%s%d", builder.len > 0 ? "," : "", state);
    return builder.str;
}

static Streamlib.Runtime make_runtime () {
    var runtime = new Streamlib.Runtime ();
    try {
        runtime.get_registry ().register ("vala-scale", typeof (ValaScale));
        runtime.get_registry ().register ("vala-broken", typeof (ValaBroken));
    } catch (GLib.Error e) {
        error ("register: %s", e.message);
    }
    return runtime;
}

static void test_vala_processor_in_a_c_chain () {
    var runtime = make_runtime ();
    var recorder = new Recorder (runtime);
    string first = null, second = null;

    try {
        runtime.add ("test-source", "src");
        runtime.add ("vala-scale", "scale");
        runtime.add ("counter-sink", "sink");
        runtime.set_node_property_from_string ("src", "rate", "1000");
        first = runtime.link ("src", "scale");
        second = runtime.link ("scale", "sink");
        runtime.configure_link (first, 16, Streamlib.OverflowPolicy.BLOCK);
        runtime.configure_link (second, 16, Streamlib.OverflowPolicy.BLOCK);
        runtime.start ();
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }
    assert (runtime.get_state () == Streamlib.RuntimeState.RUNNING);
    var scale = (ValaScale) runtime.get_processor ("scale");
    assert (scale != null);
    scale.main_thread = Thread.self<void> ();

    wait_for (() => count (runtime, "sink") >= 1, "the first frame");

    /* A live change reaches the Vala processor on its thread: every frame
     * after it goes out twice. */
    try {
        var value = Value (typeof (int));
        value.set_int (2);
        runtime.set_node_property ("scale", "factor", value);
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }
    wait_for (() => scale.factor == 2, "factor = 2");
    var after = count (runtime, "sink");
    wait_for (() => count (runtime, "sink") >= after + 20, "doubled frames");

    try {
        runtime.stop (Streamlib.StopMode.DRAIN);
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }
    wait_for (() => recorder.has ("state", Streamlib.RuntimeState.IDLE), "the idle signal");

    Streamlib.LinkStats stats_in, stats_out;
    try {
        stats_in = runtime.get_link_stats (first);
        stats_out = runtime.get_link_stats (second);
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }
    foreach (var stats in new Streamlib.LinkStats[] { stats_in, stats_out }) {
        assert_cmpuint ((uint) stats.get_pushed (), CompareOperator.EQ,
                        (uint) (stats.get_popped () + stats.get_dropped () + stats.get_queued ()));
        assert_cmpuint ((uint) stats.get_dropped (), CompareOperator.EQ, 0);
        assert_cmpuint ((uint) stats.get_queued (), CompareOperator.EQ, 0);
    }
    /* Drain lost nothing; the factor applied to part of the run. */
    assert (stats_out.get_pushed () > stats_in.get_popped ());
    assert (stats_out.get_pushed () <= 2 * stats_in.get_popped ());

    /* The processor ran on its own thread, never the main thread. */
    assert (!scale.ran_on_main_thread);

    /* Signals: all on the main thread, in lifecycle order. */
    assert (recorder.all_on_main_thread ());
    assert_cmpstr (join_states (recorder.states ("state")), CompareOperator.EQ,
                   join_states ({ Streamlib.RuntimeState.STARTING, Streamlib.RuntimeState.RUNNING,
                                  Streamlib.RuntimeState.DRAINING, Streamlib.RuntimeState.IDLE }));
    var scale_states = recorder.states ("processor", "scale");
    assert (scale_states.length >= 4);
    assert (scale_states[0] == Streamlib.ProcessorState.SPAWNED);
    assert (scale_states[1] == Streamlib.ProcessorState.SETTING_UP);
    assert (scale_states[2] == Streamlib.ProcessorState.RUNNING);
    assert (scale_states[scale_states.length - 1] == Streamlib.ProcessorState.STOPPED);
    assert (recorder.has ("committed"));
    assert (!recorder.has ("error"));
}

static void test_vala_error_fails_only_that_processor () {
    var runtime = make_runtime ();
    var recorder = new Recorder (runtime);

    try {
        runtime.add ("test-source", "src");
        runtime.add ("vala-broken", "broken");
        runtime.add ("counter-sink", "sink");
        runtime.set_node_property_from_string ("src", "rate", "1000");
        runtime.link ("src.out", "broken.in");
        runtime.link ("src.out", "sink.in");
        runtime.start ();
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }

    wait_for (() => recorder.has ("error"), "the error signal");
    assert_cmpstr (recorder.error_node, CompareOperator.EQ, "broken");
    assert (recorder.error_message.contains ("broken on purpose"));
    assert (runtime.get_processor_state ("broken") == Streamlib.ProcessorState.FAILED);

    var before = count (runtime, "sink");
    wait_for (() => count (runtime, "sink") > before + 10, "the sink to go on");
    try {
        runtime.stop (Streamlib.StopMode.DRAIN);
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }
    assert (runtime.get_state () == Streamlib.RuntimeState.IDLE);
    assert (recorder.all_on_main_thread ());
}

public static int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/bindings/vala/runtime/vala-processor-in-a-c-chain", test_vala_processor_in_a_c_chain);
    Test.add_func ("/bindings/vala/runtime/vala-error-fails-only-that-processor",
                   test_vala_error_fails_only_that_processor);
    return Test.run ();
}
