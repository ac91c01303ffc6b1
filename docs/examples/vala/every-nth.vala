/* every-nth.vala: your first processor, in Vala
 *
 * A processor that forwards one frame in every `n`, used in the graph
 *
 *   test-source → every-nth → counter-sink
 *
 * `n` is changed from 1 to 3 while the graph runs; the runtime is then
 * drained and the counts printed. See docs/first-processor.md.
 *
 * Build: valac --pkg streamlib-1.0 --pkg gstreamer-1.0 every-nth.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* [processor] */
public class ExampleEveryNth : Streamlib.Processor {
    /* The property; set on the processor's thread, between process calls. */
    [Description (nick = "n", blurb = "Forward one frame in n")]
    public int n { get; set; default = 1; }

    private uint64 seen;
    private unowned Streamlib.InputPort input;
    private unowned Streamlib.OutputPort output;

    /* Ports are class data: declare them in the class constructor. */
    static construct {
        add_input_port ("in", null);
        add_output_port ("out", null);
        /* Reactive (the default): the thread sleeps until a frame arrives. */
        set_execution_mode (Streamlib.ExecutionMode.REACTIVE);
        set_description ("Forwards one frame in n");
    }

    /* setup, process and teardown run on the processor's own thread. */
    public override bool setup () throws GLib.Error {
        seen = 0;
        input = get_input_port ("in");
        output = get_output_port ("out");
        return true;
    }

    public override bool process () throws GLib.Error {
        Gst.Sample? sample;
        /* Take every frame queued on the input; push one in n, drop the rest. */
        while ((sample = input.pop ()) != null) {
            if (seen++ % n == 0)
                output.push (sample);
        }
        return true;
    }
}
/* [processor] */

/* [application] */
public static int main (string[] args) {
    var runtime = new Streamlib.Runtime ();
    var loop = new MainLoop ();
    bool failed = false, idle = false, changed = false;
    string first, second;

    /* [graph] */
    try {
        /* Register the class under a factory name; the graph refers to it by name. */
        runtime.get_registry ().register ("every-nth", typeof (ExampleEveryNth));

        /* test-source → every-nth → counter-sink; blocking links lose nothing. */
        runtime.add ("test-source", "src");
        runtime.add ("every-nth", "nth");
        runtime.add ("counter-sink", "sink");
        runtime.set_node_property_from_string ("src", "rate", "1000");
        first = runtime.link ("src", "nth");
        second = runtime.link ("nth", "sink");
        runtime.configure_link (first, 16, Streamlib.OverflowPolicy.BLOCK);
        runtime.configure_link (second, 16, Streamlib.OverflowPolicy.BLOCK);
    } catch (GLib.Error e) {
        printerr ("%s\n", e.message);
        return 1;
    }
    /* [graph] */

    /* Signals arrive on the main context of the thread that created the runtime. */
    runtime.error.connect ((node, error) => {
        printerr ("error from %s: %s\n", node, error.message);
        failed = true;
        loop.quit ();
    });
    runtime.state_changed.connect ((old_state, new_state) => {
        print ("runtime: %s\n", ((EnumClass) typeof (Streamlib.RuntimeState).class_ref ()).get_value (new_state).value_nick);
        idle = new_state == Streamlib.RuntimeState.IDLE;
    });

    var timeout = Timeout.add_seconds (20, () => {
        printerr ("timed out\n");
        failed = true;
        loop.quit ();
        return Source.CONTINUE;
    });

    Streamlib.Processor sink;
    try {
        runtime.start ();
    } catch (GLib.Error e) {
        printerr ("%s\n", e.message);
        return 1;
    }
    sink = runtime.get_processor ("sink");

    var watch = Timeout.add (5, () => {
        int64 count;
        sink.get ("count", out count);
        if (!changed && count >= 100) {
            try {
                /* Live: one frame in three from now on. */
                runtime.set_node_property_from_string ("nth", "n", "3");
            } catch (GLib.Error e) {
                printerr ("set n: %s\n", e.message);
                failed = true;
                loop.quit ();
            }
            changed = true;
        }
        if (changed && count >= 150)
            loop.quit ();
        return Source.CONTINUE;
    });
    loop.run ();
    Source.remove (watch);

    uint64 sent, forwarded;
    int64 counted;
    try {
        /* Drain: the source stops, every frame in flight reaches the sink. */
        runtime.stop (Streamlib.StopMode.DRAIN);
        /* The last state changes are signalled on this main context too. */
        while (!idle && !failed)
            MainContext.default ().iteration (true);
        Source.remove (timeout);

        sent = runtime.get_link_stats (first).get_pushed ();
        forwarded = runtime.get_link_stats (second).get_pushed ();
    } catch (GLib.Error e) {
        printerr ("%s\n", e.message);
        return 1;
    }
    sink.get ("count", out counted);
    print ("source sent %llu, every-nth forwarded %llu, sink counted %lld\n", sent, forwarded, counted);

    /* Drain lost nothing, and after the change fewer frames went through. */
    if (failed || counted != (int64) forwarded || forwarded >= sent) {
        printerr ("unexpected counts\n");
        return 1;
    }
    return 0;
}
/* [application] */
