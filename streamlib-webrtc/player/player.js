// player.js: plays one stream of a streamlib endpoint over WHEP.
//
// The page is served by the endpoint itself, so every URL here is relative
// to the page: "streams" lists the stream ids (a JSON array of strings),
// "whep/<id>" takes an SDP offer and answers 201 Created with the SDP answer
// and a Location (the session, which DELETE ends).
//
// Query parameters: ?stream=<id> picks the stream (default: the first one
// listed), ?token=<token> is sent as "Authorization: Bearer <token>".
//
// For tests and scripts the page exposes window.streamlibPlayer:
//   state            'idle' | 'loading' | 'waiting' | 'negotiating' |
//                    'connecting' | 'playing' | 'failed' | 'closed'
//   error            what went wrong (a string), or null
//   stream           the stream id being played, or null
//   framesDecoded()  async: video frames decoded so far (RTCPeerConnection
//                    getStats, inbound-rtp video), 0 before a session
//   stop()           async: ends the session (DELETE of its Location);
//                    resolves to the DELETE's HTTP status, or null
//
// SPDX-License-Identifier: LGPL-2.1-or-later

'use strict';

(() => {
  // The offer goes out whole (no trickle ICE): gathering host candidates
  // takes milliseconds, but it never completes in some setups, so the wait
  // is bounded and the offer is sent with what was gathered by then.
  const ICE_GATHERING_LIMIT_MS = 2000;
  const STATS_INTERVAL_MS = 500;
  const STREAMS_RETRY_MS = 3000;
  const ERROR_BODY_MAX = 500;

  const params = new URLSearchParams(window.location.search);
  const token = params.get('token');

  const ui = {
    video: document.getElementById('video'),
    status: document.getElementById('status'),
    frames: document.getElementById('frames'),
    resolution: document.getElementById('resolution'),
    fps: document.getElementById('fps'),
    error: document.getElementById('error'),
    select: document.getElementById('stream-select'),
  };

  // The session being played: { id, pc, resourceUrl, statsTimer }.
  let session = null;
  // Bumped by every play()/stop(): an older negotiation that resumes after
  // an await sees it is stale and undoes itself.
  let generation = 0;
  let lastFramesDecoded = 0;

  const STATUS_TEXT = {
    idle: 'Starting…',
    loading: 'Looking for streams…',
    waiting: 'No stream is being served yet; waiting for one…',
    negotiating: 'Negotiating…',
    connecting: 'Connecting…',
    playing: 'Playing',
    failed: 'Failed',
    closed: 'Stopped',
  };

  const player = {
    state: 'idle',
    error: null,
    stream: null,
    framesDecoded: async () => {
      const report = await videoInboundStats();
      if (report)
        lastFramesDecoded = report.framesDecoded || 0;
      return lastFramesDecoded;
    },
    stop: async () => {
      const response = await stop();
      if (player.state !== 'failed')
        setState('closed');
      return response ? response.status : null;
    },
  };
  window.streamlibPlayer = player;

  function setState(state, detail) {
    player.state = state;
    ui.status.dataset.state = state;
    ui.status.textContent = detail ? `${STATUS_TEXT[state]} ${detail}` : STATUS_TEXT[state];
  }

  function fail(error) {
    const message = error instanceof Error ? error.message : String(error);
    player.error = message;
    ui.error.textContent = message;
    setState('failed');
    console.error('streamlib player:', message);
  }

  function clearError() {
    player.error = null;
    ui.error.textContent = '';
  }

  function headers(extra) {
    const result = Object.assign({}, extra);
    if (token)
      result.Authorization = `Bearer ${token}`;
    return result;
  }

  // An Error that says which request failed, with the HTTP status, the
  // reason phrase and what the server said in the body.
  async function httpError(request, response) {
    let body = '';
    try {
      body = await response.text();
    } catch (e) {
      body = '';
    }
    // An HTML error page (a proxy's, say) is shown as its text.
    if (/html/i.test(response.headers.get('Content-Type') || ''))
      body = new DOMParser().parseFromString(body, 'text/html').body.textContent.replace(/\s+/g, ' ');
    body = body.trim();
    if (body.length > ERROR_BODY_MAX)
      body = `${body.slice(0, ERROR_BODY_MAX)}…`;
    let message = `${request} failed: HTTP ${response.status}`;
    if (response.statusText)
      message += ` ${response.statusText}`;
    if (body && body !== response.statusText)
      message += `\n${body}`;
    return new Error(message);
  }

  async function listStreams() {
    let response;
    try {
      response = await fetch('streams', {
        headers: headers({ Accept: 'application/json' }),
        cache: 'no-store',
      });
    } catch (e) {
      throw new Error(`GET /streams failed: ${e.message}`);
    }
    if (!response.ok)
      throw await httpError('GET /streams', response);
    const ids = await response.json().catch(() => null);
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
      throw new Error('GET /streams did not answer a JSON array of stream ids');
    return ids;
  }

  function showStreams(ids, current) {
    ui.select.replaceChildren();
    const all = ids.includes(current) || !current ? ids : [current, ...ids];
    for (const id of all) {
      const option = document.createElement('option');
      option.value = id;
      option.textContent = id;
      option.selected = id === current;
      ui.select.append(option);
    }
    ui.select.disabled = all.length < 2;
  }

  function waitForIceGathering(pc, limitMs) {
    if (pc.iceGatheringState === 'complete')
      return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', onChange);
        resolve();
      };
      const onChange = () => {
        if (pc.iceGatheringState === 'complete')
          done();
      };
      const timer = setTimeout(done, limitMs);
      pc.addEventListener('icegatheringstatechange', onChange);
    });
  }

  async function videoInboundStats() {
    if (!session)
      return null;
    const stats = await session.pc.getStats();
    let video = null;
    stats.forEach((report) => {
      if (report.type === 'inbound-rtp' && (report.kind || report.mediaType) === 'video')
        video = report;
    });
    return video;
  }

  async function updateStats() {
    const report = await videoInboundStats().catch(() => null);
    if (!report)
      return;
    const frames = report.framesDecoded || 0;
    lastFramesDecoded = frames;
    ui.frames.textContent = frames.toLocaleString('en');
    if (report.frameWidth && report.frameHeight)
      ui.resolution.textContent = `${report.frameWidth}×${report.frameHeight}`;
    if (report.framesPerSecond !== undefined)
      ui.fps.textContent = `${report.framesPerSecond} fps`;
    if (frames > 0 && player.state === 'connecting')
      setState('playing', session.id);
  }

  function watchConnection(pc, id) {
    pc.addEventListener('connectionstatechange', () => {
      if (!session || session.pc !== pc)
        return;
      switch (pc.connectionState) {
        case 'connected':
          if (player.state !== 'playing')
            setState('connecting', `(connected to ${id}, waiting for the first frame)`);
          break;
        case 'disconnected':
          setState('connecting', '(the connection was interrupted)');
          break;
        case 'failed':
          fail(`The WebRTC connection for stream "${id}" failed (ICE or DTLS): ` +
               'the endpoint may have stopped, or no network path was found.');
          break;
        default:
          break;
      }
    });
  }

  // Ends the session being played, if any; resolves to the DELETE's
  // response (null without a session or a Location). With keepalive the
  // DELETE survives the page being unloaded.
  function stop(keepalive = false) {
    generation++;
    if (!session)
      return Promise.resolve(null);
    const { pc, resourceUrl, statsTimer } = session;
    session = null;
    clearInterval(statsTimer);
    pc.close();
    ui.video.srcObject = null;
    if (!resourceUrl)
      return Promise.resolve(null);
    return fetch(resourceUrl, { method: 'DELETE', headers: headers(), keepalive })
      .catch((e) => {
        console.warn('streamlib player: DELETE', resourceUrl, e);
        return null;
      });
  }

  async function play(id) {
    stop();
    const mine = generation;
    clearError();
    player.stream = id;
    lastFramesDecoded = 0;
    ui.frames.textContent = '0';
    ui.resolution.textContent = '–';
    ui.fps.textContent = '–';

    const whepUrl = new URL(`whep/${encodeURIComponent(id)}`, document.baseURI);
    const pc = new RTCPeerConnection();
    const media = new MediaStream();
    ui.video.srcObject = media;
    pc.addEventListener('track', (event) => media.addTrack(event.track));
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    watchConnection(pc, id);
    session = { id, pc, resourceUrl: null, statsTimer: 0 };

    try {
      setState('negotiating', `(${whepUrl.pathname})`);
      await pc.setLocalDescription(await pc.createOffer());
      await waitForIceGathering(pc, ICE_GATHERING_LIMIT_MS);
      if (mine !== generation)
        return;

      let response;
      try {
        response = await fetch(whepUrl, {
          method: 'POST',
          headers: headers({ 'Content-Type': 'application/sdp', Accept: 'application/sdp' }),
          body: pc.localDescription.sdp,
        });
      } catch (e) {
        throw new Error(`POST ${whepUrl.pathname} failed: ${e.message}`);
      }
      if (!response.ok)
        throw await httpError(`POST ${whepUrl.pathname}`, response);

      const location = response.headers.get('Location');
      const resourceUrl = location ? new URL(location, whepUrl).href : null;
      if (mine !== generation) {
        // Superseded while the server answered: end that session too.
        if (resourceUrl)
          fetch(resourceUrl, { method: 'DELETE', headers: headers() }).catch(() => {});
        return;
      }
      session.resourceUrl = resourceUrl;
      if (!resourceUrl)
        console.warn('streamlib player: the WHEP answer has no Location; the session cannot be ended');

      const answer = await response.text();
      if (!answer.startsWith('v=0'))
        throw new Error(`POST ${whepUrl.pathname} answered HTTP ${response.status} without an SDP answer`);
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      if (mine !== generation)
        return;

      setState('connecting');
      session.statsTimer = setInterval(updateStats, STATS_INTERVAL_MS);
      // autoplay (muted) starts it too; play() is for browsers that wait.
      // An AbortError only says a newer srcObject replaced this one.
      ui.video.play().catch((e) => {
        if (e.name !== 'AbortError')
          console.warn('streamlib player: video.play():', e.message);
      });
    } catch (e) {
      if (mine === generation) {
        stop();
        fail(e);
      }
    }
  }

  async function start() {
    const requested = params.get('stream');
    setState('loading');
    let ids = [];
    try {
      ids = await listStreams();
    } catch (e) {
      // With ?stream= the list is only for the selector: play anyway.
      if (!requested) {
        fail(e);
        return;
      }
      console.warn('streamlib player:', e.message);
    }

    const id = requested || ids[0];
    if (!id) {
      showStreams([], null);
      setState('waiting');
      setTimeout(start, STREAMS_RETRY_MS);
      return;
    }
    showStreams(ids, id);
    await play(id);
  }

  ui.select.addEventListener('change', () => {
    const id = ui.select.value;
    const url = new URL(window.location.href);
    url.searchParams.set('stream', id);
    window.history.replaceState(null, '', url);
    play(id);
  });

  window.addEventListener('pagehide', () => stop(true));

  start();
})();
