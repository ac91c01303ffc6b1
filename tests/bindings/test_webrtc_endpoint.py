# test_webrtc_endpoint.py: the WHIP/WHEP endpoint from Python (StreamlibWebrtc
# typelib): make one for a runtime, listen on a free loopback port, and ask it
# things over HTTP (OPTIONS, the player page, the stream list, a refusal), so
# that the endpoint is shown usable from another language than C.
#
# HTTP goes through Python's own http.client: the endpoint answers on its own
# thread, so a blocking request from this one is fine. Loopback only.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import http.client
import json
import unittest

import gi
gi.require_version('GLib', '2.0')
gi.require_version('Streamlib', '1.0')
gi.require_version('StreamlibWebrtc', '1.0')
from gi.repository import GLib, Streamlib, StreamlibWebrtc  # noqa: E402

TOKEN = 'python-token'


class EndpointTest(unittest.TestCase):

    def setUp(self):
        self.runtime = Streamlib.Runtime.new()
        self.runtime.add('video-test-source', 'cam')
        self.runtime.add('whep-serve', 'tv')
        self.runtime.link('cam', 'tv.video')
        self.endpoint = StreamlibWebrtc.Endpoint.new(self.runtime)
        self.endpoint.props.token = TOKEN
        self.endpoint.listen('127.0.0.1', 0)
        self.port = self.endpoint.get_port()
        self.connection = http.client.HTTPConnection('127.0.0.1', self.port, timeout=20)

    def tearDown(self):
        self.connection.close()
        self.endpoint.close()
        if self.runtime.get_state() != Streamlib.RuntimeState.IDLE:
            self.runtime.stop(Streamlib.StopMode.IMMEDIATE)

    def request(self, method, path, headers=None, body=None):
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        return response, response.read().decode('utf-8')

    def test_listen(self):
        self.assertGreater(self.port, 0)
        self.assertEqual(self.endpoint.get_url(), 'http://127.0.0.1:%d/' % self.port)
        self.assertEqual(self.endpoint.props.port, self.port)
        self.assertEqual(self.endpoint.props.n_sessions, 0)
        self.assertIs(self.endpoint.props.runtime, self.runtime)

        # Bad input is a GLib.Error in the streamlib domain, naming it.
        other = StreamlibWebrtc.Endpoint.new(self.runtime)
        with self.assertRaises(GLib.Error) as raised:
            other.listen('not-an-address', 0)
        self.assertTrue(raised.exception.matches(Streamlib.error_quark(),
                                                 Streamlib.Error.INVALID_ARGUMENT))
        self.assertIn('not-an-address', raised.exception.message)
        with self.assertRaises(GLib.Error) as raised:
            other.listen('127.0.0.1', self.port)
        self.assertIn(str(self.port), raised.exception.message)
        other.close()

    def test_options(self):
        # A browser's preflight: no token needed, CORS and Accept-Post.
        response, _ = self.request('OPTIONS', '/whep/tv', {
            'Origin': 'http://example.test',
            'Access-Control-Request-Method': 'POST',
        })
        self.assertEqual(response.status, 204)
        self.assertEqual(response.getheader('Accept-Post'), 'application/sdp')
        self.assertEqual(response.getheader('Access-Control-Allow-Origin'), '*')
        self.assertIn('POST', response.getheader('Access-Control-Allow-Methods'))

    def test_page_and_streams(self):
        response, page = self.request('GET', '/')
        self.assertEqual(response.status, 200)
        self.assertTrue(response.getheader('Content-Type').startswith('text/html'))
        self.assertIn('player.js', page)

        response, body = self.request('GET', '/streams',
                                      {'Authorization': 'Bearer ' + TOKEN})
        self.assertEqual(response.status, 200)
        self.assertEqual(json.loads(body), ['tv'])

        # Without the token: refused, with a reason.
        response, body = self.request('GET', '/streams')
        self.assertEqual(response.status, 401)
        self.assertIn('Bearer', body)

    def test_refusals_and_settings(self):
        # An offer that is not SDP, to a running node: 400 with a reason.
        self.runtime.start()
        response, body = self.request('POST', '/whep/tv', {
            'Authorization': 'Bearer ' + TOKEN,
            'Content-Type': 'application/sdp',
        }, body='hello')
        self.assertEqual(response.status, 400)
        self.assertIn('SDP', body)

        # Properties and their checked setter.
        self.assertEqual(self.endpoint.props.max_sessions,
                         StreamlibWebrtc.ENDPOINT_DEFAULT_MAX_SESSIONS)
        self.endpoint.props.max_body_size = 4096
        self.assertEqual(self.endpoint.get_max_body_size(), 4096)
        self.endpoint.set_ice_servers(['stun:127.0.0.1:3478'])
        self.assertEqual(self.endpoint.props.ice_servers, ['stun:127.0.0.1:3478'])
        with self.assertRaises(GLib.Error):
            self.endpoint.set_ice_servers(['http://not-ice'])
        self.assertEqual(self.endpoint.dup_ice_servers(), ['stun:127.0.0.1:3478'])

    def test_session_signals_on_close(self):
        # No session was opened: closing emits nothing and leaves none.
        closed = []
        self.endpoint.connect('session-closed', lambda *args: closed.append(args[1:]))
        self.endpoint.close()
        self.assertEqual(closed, [])
        self.assertEqual(self.endpoint.get_port(), 0)
        self.assertEqual(self.endpoint.get_n_sessions(), 0)


if __name__ == '__main__':
    unittest.main()
