/* test-graph.vala: build, link, validate and serialise a graph from Vala,
 * with processors defined in Vala, against the VAPI generated in the build tree.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later

 */

public class ValaSource : Streamlib.Processor {
    public int rate { get; set; default = 30; }
    public string label { get; set; default = "none"; }

    static construct {
        add_output_port ("out", null);
        set_description ("A source defined in Vala");
    }
}

public class ValaSink : Streamlib.Processor {
    static construct {
        add_input_port ("in", null);
        set_execution_mode (Streamlib.ExecutionMode.CONTINUOUS);
    }
}

public class ValaFilter : Streamlib.Processor {
    static construct {
        add_input_port ("in", null);
        add_output_port ("out", null);
    }

    /* Overriding the virtual functions must compile and chain. */
    public override bool setup () throws GLib.Error {
        return true;
    }

    public override bool process () throws GLib.Error {
        return true;
    }
}

/* A subclass of a subclass inherits its parent's ports. */
public class ValaDerived : ValaFilter {
    static construct {
        add_output_port ("extra", null);
    }
}

public class ValaAudioSource : Streamlib.Processor {
    static construct {
        add_output_port ("out", new Gst.Caps.empty_simple ("audio/x-raw"));
    }
}

public class ValaVideoSink : Streamlib.Processor {
    static construct {
        add_input_port ("in", new Gst.Caps.empty_simple ("video/x-raw"));
    }
}

static string join (string[] strv) {
    return string.joinv (",", strv);
}

static string sorted_join (string[] strv) {
    var list = new GenericArray<string> ();
    foreach (unowned string s in strv)
        list.add (s);
    list.sort (strcmp);
    return string.joinv (",", list.data);
}

static Streamlib.Registry make_registry () {
    var registry = new Streamlib.Registry.empty ();
    try {
        assert (registry.register ("vala-source", typeof (ValaSource)));
        assert (registry.register ("vala-sink", typeof (ValaSink)));
        assert (registry.register ("vala-filter", typeof (ValaFilter)));
        assert (registry.register ("vala-audio-source", typeof (ValaAudioSource)));
        assert (registry.register ("vala-video-sink", typeof (ValaVideoSink)));
    } catch (GLib.Error e) {
        error ("register: %s", e.message);
    }
    return registry;
}

static Streamlib.Graph make_graph (out string link) {
    var graph = new Streamlib.Graph (make_registry ());
    try {
        assert (graph.add_node ("vala-source", "src") == "src");
        assert (graph.add_node ("vala-sink", "sink") == "sink");
        link = graph.link ("src", "sink");
    } catch (GLib.Error e) {
        error ("make_graph: %s", e.message);
    }
    return graph;
}

static void test_class_functions () {
    /* Vala calls a class method only from a class/static construct block or
     * through an instance (the VAPI hides SlProcessorClass, and
     * `ValaSource.list_ports ()` is "not in the context of ValaSource"):
     * instantiate to inspect a class's ports. */
    var source = new ValaSource ();
    var sink = new ValaSink ();
    var derived = new ValaDerived ();
    var filter = new ValaFilter ();
    Streamlib.Processor video = (Streamlib.Processor) Object.new (typeof (ValaVideoSink));

    assert_cmpstr (join (source.list_ports (Streamlib.PortDirection.OUTPUT)), CompareOperator.EQ, "out");
    assert_cmpstr (join (source.list_ports (Streamlib.PortDirection.INPUT)), CompareOperator.EQ, "");
    assert_cmpstr (join (sink.list_ports (Streamlib.PortDirection.INPUT)), CompareOperator.EQ, "in");
    assert_cmpstr (join (derived.list_ports (Streamlib.PortDirection.INPUT)), CompareOperator.EQ, "in");
    assert_cmpstr (sorted_join (derived.list_ports (Streamlib.PortDirection.OUTPUT)), CompareOperator.EQ, "extra,out");
    assert_cmpstr (join (filter.list_ports (Streamlib.PortDirection.OUTPUT)), CompareOperator.EQ, "out");

    assert (source.get_port_caps (Streamlib.PortDirection.OUTPUT, "out").is_any ());
    assert (source.get_port_caps (Streamlib.PortDirection.OUTPUT, "nope") == null);
    assert_cmpstr (video.get_port_caps (Streamlib.PortDirection.INPUT, "in").to_string (), CompareOperator.EQ, "video/x-raw");
    assert (sink.get_execution_mode () == Streamlib.ExecutionMode.CONTINUOUS);
    assert (source.get_execution_mode () == Streamlib.ExecutionMode.REACTIVE);
    assert_cmpstr (source.get_description (), CompareOperator.EQ, "A source defined in Vala");
}

static void test_build_and_serialise () {
    string link;
    var graph = make_graph (out link);
    assert_cmpstr (link, CompareOperator.EQ, "src.out->sink.in");
    assert (graph.has_node ("src"));
    assert (graph.has_link (link));
    assert_cmpstr (graph.get_node_factory ("src"), CompareOperator.EQ, "vala-source");
    assert_cmpstr (join (graph.list_nodes ()), CompareOperator.EQ, "src,sink");

    try {
        assert (graph.set_node_property_from_string ("src", "rate", "60"));
        assert (graph.set_node_property_from_string ("src", "label", "hello"));
        var value = Value (typeof (int));
        value.set_int (61);
        assert (graph.set_node_property ("src", "rate", value));
        assert (graph.configure_link (link, 4, Streamlib.OverflowPolicy.BLOCK));
        assert (graph.validate ());
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }

    assert_cmpstr (sorted_join (graph.list_node_properties ("src")), CompareOperator.EQ, "label,rate");
    Value rate;
    try {
        assert (graph.get_node_property ("src", "rate", out rate));
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }
    assert_cmpint (rate.get_int (), CompareOperator.EQ, 61);

    string source, target;
    uint capacity;
    Streamlib.OverflowPolicy policy;
    assert (graph.get_link_info (link, out source, out target, out capacity, out policy));
    assert_cmpstr (source, CompareOperator.EQ, "src.out");
    assert_cmpstr (target, CompareOperator.EQ, "sink.in");
    assert_cmpuint (capacity, CompareOperator.EQ, 4);
    assert (policy == Streamlib.OverflowPolicy.BLOCK);

    assert_cmpstr (join (graph.get_topological_order ()), CompareOperator.EQ, "src,sink");
    assert_cmpstr (join (graph.get_sources ()), CompareOperator.EQ, "src");
    assert_cmpstr (join (graph.get_sinks ()), CompareOperator.EQ, "sink");

    var json = graph.to_json ();
    assert (json.contains ("\"nodes\""));
    assert (json.contains ("\"links\""));
    assert (json.contains ("\"vala-source\""));
    assert (json.contains ("\"src.out\""));
    assert (json.contains ("\"block\""));

    var other = new Streamlib.Graph (graph.get_registry ());
    try {
        assert (other.load_from_data (json, -1));
    } catch (GLib.Error e) {
        error ("load_from_data: %s", e.message);
    }
    assert_cmpstr (join (other.list_nodes ()), CompareOperator.EQ, "src,sink");
    assert_cmpstr (join (other.list_links ()), CompareOperator.EQ, link);
    assert_cmpstr (sorted_join (other.list_node_properties ("src")), CompareOperator.EQ, "label,rate");
    assert (other.get_link_info (link, null, null, out capacity, out policy));
    assert_cmpuint (capacity, CompareOperator.EQ, 4);
    assert (policy == Streamlib.OverflowPolicy.BLOCK);

    var copy = graph.copy ();
    assert_cmpstr (join (copy.list_links ()), CompareOperator.EQ, link);

    var dot = graph.to_dot ();
    assert (dot.contains ("digraph"));
    assert (dot.contains ("src"));
    assert (dot.contains ("sink"));
}

delegate void Edit () throws GLib.Error;

static void assert_refused (Streamlib.Graph graph, int code, Edit edit) {
    var before = graph.to_json ();
    try {
        edit ();
        error ("expected error code %d, nothing thrown", code);
    } catch (Streamlib.Error e) {
        if (e.code != code)
            error ("expected error code %d, got %d: %s", code, e.code, e.message);
        assert (e.domain == Streamlib.Error.quark ());
        assert (e.message.length > 0);
    } catch (GLib.Error e) {
        error ("expected a Streamlib.Error, got %s", e.message);
    }
    assert_cmpstr (graph.to_json (), CompareOperator.EQ, before);
}

static void test_errors () {
    string link;
    var graph = make_graph (out link);

    try {
        graph.add_node ("no-such-factory", "x");
        assert_not_reached ();
    } catch (Streamlib.Error e) {
        assert (e is Streamlib.Error.UNKNOWN_FACTORY);
        assert (e.message.contains ("no-such-factory"));
    } catch (GLib.Error e) {
        /* The GIR says only `throws="1"`, so Vala sees GLib.Error. */
        error ("expected a Streamlib.Error, got %s", e.message);
    }

    assert_refused (graph, Streamlib.Error.UNKNOWN_FACTORY, () => { graph.add_node ("nope", "x"); });
    assert_refused (graph, Streamlib.Error.DUPLICATE_ID, () => { graph.add_node ("vala-sink", "sink"); });
    assert_refused (graph, Streamlib.Error.UNKNOWN_NODE, () => { graph.link ("nope", "sink"); });
    assert_refused (graph, Streamlib.Error.UNKNOWN_PORT, () => { graph.link ("src.nope", "sink"); });
    assert_refused (graph, Streamlib.Error.DUPLICATE_ID, () => { graph.link ("src", "sink"); });
    assert_refused (graph, Streamlib.Error.UNKNOWN_LINK, () => { graph.unlink ("src.out->nope.in"); });
    assert_refused (graph, Streamlib.Error.INVALID_ARGUMENT,
                    () => { graph.configure_link (link, 0, Streamlib.OverflowPolicy.DROP_NEWEST); });
    assert_refused (graph, Streamlib.Error.UNKNOWN_PROPERTY,
                    () => { graph.set_node_property_from_string ("src", "nope", "1"); });
    assert_refused (graph, Streamlib.Error.INVALID_PROPERTY_VALUE,
                    () => { graph.set_node_property_from_string ("src", "rate", "fast"); });
    assert_refused (graph, Streamlib.Error.PARSE, () => { graph.load_from_data ("{\"nodes\": [", -1); });

    try {
        graph.add_node ("vala-audio-source", "audio");
        graph.add_node ("vala-video-sink", "video");
        graph.add_node ("vala-filter", "a");
        graph.add_node ("vala-filter", "b");
        graph.link ("a", "b");
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }
    assert_refused (graph, Streamlib.Error.INCOMPATIBLE_CAPS, () => { graph.link ("audio", "video"); });
    assert_refused (graph, Streamlib.Error.CYCLE, () => { graph.link ("b.out", "a.in"); });
}

static void test_core_plugin () {
    /* A search path: any of its directories may hold the core plugin. */
    var path = Environment.get_variable ("STREAMLIB_PLUGIN_PATH") ?? "";
    bool found = false;
    foreach (unowned string dir in path.split (Path.SEARCHPATH_SEPARATOR_S))
        found = found || (dir != "" && FileUtils.test (dir, FileTest.IS_DIR));
    if (!found) {
        Test.skip ("core processor plugin not built");
        return;
    }
    var factories = new Streamlib.Registry ().list_factories ();
    assert (GLib.strv_contains (factories, "passthrough"));
}

public static int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/bindings/vala/class-functions", test_class_functions);
    Test.add_func ("/bindings/vala/build-and-serialise", test_build_and_serialise);
    Test.add_func ("/bindings/vala/errors", test_errors);
    Test.add_func ("/bindings/vala/core-plugin", test_core_plugin);
    return Test.run ();
}
