/* test-webrtc-endpoint.vala: the WHIP/WHEP endpoint from Vala, through the
 * streamlib-webrtc-1.0 VAPI: listen on a free loopback port, errors as
 * Streamlib.Error, the stream list over HTTP (libsoup 3), a viewer's session
 * signals on the main loop. Loopback only; every wait is bounded.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

const int64 TIMEOUT_US = 30 * 1000 * 1000;
const string TOKEN = "vala-token";

delegate bool Condition ();

static void wait_for (Condition condition, string what) {
    var deadline = get_monotonic_time () + TIMEOUT_US;
    while (!condition ()) {
        if (get_monotonic_time () > deadline)
            error ("timed out waiting for %s", what);
        var source = new TimeoutSource (5);
        source.set_callback (() => Source.REMOVE);
        source.attach (MainContext.default ());
        MainContext.default ().iteration (true);
        source.destroy ();
    }
}

static Streamlib.Runtime serve () throws GLib.Error {
    var runtime = new Streamlib.Runtime ();
    runtime.parse_launch ("whep-serve name=tv  video-test-source is-live=true ! tv.video");
    return runtime;
}

static void test_listen_and_streams () {
    try {
        var runtime = serve ();
        var endpoint = new StreamlibWebrtc.Endpoint (runtime);
        endpoint.token = TOKEN;
        endpoint.listen ("127.0.0.1", 0);
        assert (endpoint.port > 0);
        assert (endpoint.get_url () == "http://127.0.0.1:%u/".printf (endpoint.port));
        assert (endpoint.n_sessions == 0);

        /* The endpoint answers on its own thread: a blocking request from
         * this one is fine. */
        var session = new Soup.Session ();
        var message = new Soup.Message ("GET", endpoint.get_url () + "streams");
        message.request_headers.append ("Authorization", "Bearer " + TOKEN);
        var body = session.send_and_read (message);
        assert (message.status_code == 200);
        assert ((string) body.get_data () == "[\"tv\"]" || ((string) body.get_data ()).has_prefix ("[\"tv\"]"));

        message = new Soup.Message ("GET", endpoint.get_url () + "streams");
        session.send_and_read (message);
        assert (message.status_code == 401);

        var other = new StreamlibWebrtc.Endpoint (runtime);
        try {
            other.listen ("not-an-address", 0);
            assert_not_reached ();
        } catch (Streamlib.Error.INVALID_ARGUMENT e) {
            assert ("not-an-address" in e.message);
        }
        endpoint.close ();
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }
}

static void test_viewer_session_signals () {
    try {
        var runtime = serve ();
        var endpoint = new StreamlibWebrtc.Endpoint (runtime);
        endpoint.listen ("127.0.0.1", 0);
        unowned Thread<void> main_thread = Thread.self<void> ();
        string? opened = null;
        string? closed = null;
        endpoint.session_opened.connect ((kind, node, id) => {
            assert (Thread.self<void> () == main_thread);
            assert (kind == "whep" && node == "tv");
            opened = id;
        });
        endpoint.session_closed.connect ((kind, node, id) => {
            assert (Thread.self<void> () == main_thread);
            closed = id;
        });
        runtime.start ();

        var viewer = new Streamlib.Runtime ();
        viewer.add ("whep-source", "play");
        viewer.set_node_property_from_string ("play", "url", endpoint.get_url () + "whep/tv");
        viewer.add ("counter-sink", "frames");
        viewer.link ("play.video", "frames");
        viewer.start ();

        wait_for (() => opened != null && endpoint.n_sessions == 1, "session-opened");
        wait_for (() => {
            int64 count = 0;
            viewer.get_processor ("frames").get ("count", out count);
            return count > 5;
        }, "decoded frames in the viewer");

        viewer.stop (Streamlib.StopMode.IMMEDIATE);
        wait_for (() => closed != null && endpoint.n_sessions == 0, "session-closed");
        assert (closed == opened);

        endpoint.close ();
        runtime.stop (Streamlib.StopMode.IMMEDIATE);
    } catch (GLib.Error e) {
        error ("%s", e.message);
    }
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/bindings/vala/webrtc/listen-and-streams", test_listen_and_streams);
    Test.add_func ("/bindings/vala/webrtc/viewer-session-signals", test_viewer_session_signals);
    return Test.run ();
}
