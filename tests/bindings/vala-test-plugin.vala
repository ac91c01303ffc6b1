/* vala-test-plugin.vala: a processor plugin module written in Vala, for the
 * mixed-language tests. It registers "vala-every-nth" (forwards one frame in
 * `n`, records the name of the thread it runs on) through the plugin entry point
 * sl_plugin_init, so any program (Python, gjs, C) can load it with
 * Streamlib.Registry.load_plugin or from STREAMLIB_PLUGIN_PATH.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

public class ValaEveryNth : Streamlib.Processor {
    public int n { get; set; default = 1; }
    /* The name of the thread `process` runs on (read after the run). */
    public string thread_name { get; private set; default = ""; }

    private uint64 seen;
    private unowned Streamlib.InputPort input;
    private unowned Streamlib.OutputPort output;

    static construct {
        add_input_port ("in", null);
        add_output_port ("out", null);
        set_description ("Forwards one frame in n (written in Vala)");
    }

    public override bool setup () throws GLib.Error {
        input = get_input_port ("in");
        output = get_output_port ("out");
        return true;
    }

    public override bool process () throws GLib.Error {
        if (_thread_name == "") {
            /* Linux: this thread's name. */
            string comm;
            FileUtils.get_contents ("/proc/thread-self/comm", out comm);
            _thread_name = comm.strip ();
        }

        Gst.Sample? sample;
        while ((sample = input.pop ()) != null) {
            if (seen++ % n == 0)
                output.push (sample);
        }
        return true;
    }
}

[CCode (cname = "sl_plugin_init")]
public bool plugin_init (Streamlib.Registry registry) throws GLib.Error {
    return registry.register ("vala-every-nth", typeof (ValaEveryNth));
}
