// test-webrtc-endpoint.js: the WHIP/WHEP endpoint from gjs. A runtime serves
// a whep-serve node; a second runtime in the same process plays it with
// whep-source; the endpoint's signals and notifications reach JavaScript on
// the main thread (gjs aborts otherwise: run with G_DEBUG=fatal-criticals),
// and its page and refusals answer over HTTP (libsoup 3). Loopback only.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Soup from 'gi://Soup?version=3.0';
import Streamlib from 'gi://Streamlib?version=1.0';
import StreamlibWebrtc from 'gi://StreamlibWebrtc?version=1.0';
import System from 'system';

const TIMEOUT_US = 30 * 1000 * 1000;
const TOKEN = 'gjs-token';

function waitFor(condition, what) {
    const context = GLib.MainContext.default();
    const deadline = GLib.get_monotonic_time() + TIMEOUT_US;
    while (!condition()) {
        if (GLib.get_monotonic_time() > deadline)
            throw new Error(`timed out waiting for ${what}`);
        const source = GLib.timeout_source_new(5);
        source.set_callback(() => GLib.SOURCE_REMOVE);
        source.attach(context);
        context.iteration(true);
        source.destroy();
    }
}

function assert(cond, message) {
    if (!cond)
        throw new Error(`assertion failed: ${message}`);
}

// An HTTP request answered on the endpoint's own thread, awaited by
// iterating this one's main context.
function request(session, method, url, headers = {}) {
    const message = Soup.Message.new(method, url);
    for (const [name, value] of Object.entries(headers))
        message.get_request_headers().append(name, value);
    let body = null, error = null;
    session.send_and_read_async(message, GLib.PRIORITY_DEFAULT, null, (s, result) => {
        try {
            body = new TextDecoder().decode(s.send_and_read_finish(result).toArray());
        } catch (e) {
            error = e;
        }
    });
    waitFor(() => body !== null || error !== null, `${method} ${url}`);
    if (error !== null)
        throw error;
    return [message.get_status(), message.get_response_headers(), body];
}

function serve() {
    const runtime = Streamlib.Runtime.new();
    runtime.parse_launch('whep-serve name=tv  video-test-source is-live=true ! tv.video');
    const endpoint = StreamlibWebrtc.Endpoint.new(runtime);
    endpoint.token = TOKEN;
    endpoint.listen('127.0.0.1', 0);
    return [runtime, endpoint];
}

function testPageStreamsAndRefusals() {
    const [runtime, endpoint] = serve();
    const session = new Soup.Session();
    const url = endpoint.get_url();
    assert(url === `http://127.0.0.1:${endpoint.port}/`, `url ${url}`);

    let [status, headers, body] = request(session, 'GET', url);
    assert(status === 200, `GET / answered ${status}`);
    assert(headers.get_content_type()[0] === 'text/html', 'the page is HTML');
    assert(body.includes('player.js'), 'the page loads its script');

    [status, , body] = request(session, 'GET', `${url}streams`, {Authorization: `Bearer ${TOKEN}`});
    assert(status === 200, `GET /streams answered ${status}`);
    assert(JSON.stringify(JSON.parse(body)) === '["tv"]', `streams ${body}`);

    [status, , body] = request(session, 'GET', `${url}streams`, {Authorization: 'Bearer wrong'});
    assert(status === 401, `a wrong token answered ${status}`);

    [status, headers] = request(session, 'OPTIONS', `${url}whep/tv`);
    assert(status === 204, `OPTIONS answered ${status}`);
    assert(headers.get_one('Access-Control-Allow-Origin') === '*', 'CORS');

    // Bad input is a GLib.Error in the streamlib domain, naming it.
    const other = StreamlibWebrtc.Endpoint.new(runtime);
    try {
        other.listen('not-an-address', 0);
        throw new Error('listen accepted a bad address');
    } catch (e) {
        assert(e instanceof GLib.Error && e.matches(Streamlib.Error, Streamlib.Error.INVALID_ARGUMENT),
            `listen error ${e}`);
        assert(e.message.includes('not-an-address'), e.message);
    }
    endpoint.close();
}

function testViewerSessionSignals() {
    const [runtime, endpoint] = serve();
    // A handler entered from another thread would be refused by gjs with a
    // critical, fatal here: reaching the assertions proves the thread.
    const events = [];
    let notified = 0;
    endpoint.connect('session-opened', (e, kind, node, id) => events.push(['opened', kind, node, id]));
    endpoint.connect('session-closed', (e, kind, node, id) => events.push(['closed', kind, node, id]));
    endpoint.connect('notify::n-sessions', () => notified++);
    runtime.start();

    const viewer = Streamlib.Runtime.new();
    viewer.add('whep-source', 'play');
    viewer.set_node_property_from_string('play', 'url', `${endpoint.get_url()}whep/tv`);
    viewer.set_node_property_from_string('play', 'token', TOKEN);
    viewer.add('counter-sink', 'frames');
    viewer.link('play.video', 'frames');
    viewer.start();

    waitFor(() => events.length === 1 && endpoint.n_sessions === 1, 'session-opened');
    const [what, kind, node, id] = events[0];
    assert(what === 'opened' && node === 'tv' && id.length > 0, `event ${events[0]}`);
    assert(kind === 'whep', `kind ${kind}`);
    waitFor(() => viewer.get_processor('frames').count > 5, 'decoded frames in the viewer');

    // Stopping the viewer DELETEs its session: closed, on this thread too.
    viewer.stop(Streamlib.StopMode.IMMEDIATE);
    waitFor(() => events.length === 2 && endpoint.n_sessions === 0, 'session-closed');
    assert(events[1][0] === 'closed' && events[1][3] === id, `event ${events[1]}`);
    assert(notified >= 2, `n-sessions notified ${notified} times`);

    endpoint.close();
    runtime.stop(Streamlib.StopMode.IMMEDIATE);
}

const tests = [
    ['the page, the stream list and refusals over HTTP', testPageStreamsAndRefusals],
    ['a viewer\'s session signals reach JavaScript on the main thread', testViewerSessionSignals],
];

print(`1..${tests.length}`);
let failed = 0;
tests.forEach(([name, func], i) => {
    try {
        func();
        print(`ok ${i + 1} - ${name}`);
    } catch (e) {
        failed++;
        print(`not ok ${i + 1} - ${name}`);
        for (const line of `${e}\n${e.stack ?? ''}`.split('\n'))
            print(`# ${line}`);
    }
});
System.exit(failed ? 1 : 0);
