/*
 * The baseline page (served by baseline-server.ts, one per browser): a bare RTCPeerConnection
 * pair signaled over the bench's WebSocket relay, and a bare PeerJS page-to-page call through a
 * bare PeerServer the bench starts on 127.0.0.1. Driven from Node through window.bench; times are
 * epoch ms. No ICE servers (host candidates on loopback only) except in the relayed RTCPeerConnection
 * runs, which go through the bench's coturn on 127.0.0.1 with relay candidates only, as Birdcall's
 * relayed runs do.
 */
(function () {
  var now = function () {
    return performance.timeOrigin + performance.now();
  };
  /** No STUN/TURN: PeerJS's defaults name public servers (Google's STUN, PeerJS's TURN). */
  var RTC_CONFIG = { iceServers: [] };
  /** The relayed pair: the bench's coturn on 127.0.0.1 only, relay candidates only (set by init). */
  var RELAY_CONFIG = null;
  var state = { me: '', relay: null, local: null, peer: null, pcs: {}, results: {} };
  var load = function (src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
  };

  function send(message) {
    message.from = state.me;
    state.relay.send(JSON.stringify(message));
  }

  function deferred() {
    var out = {};
    out.promise = new Promise(function (resolve) {
      out.resolve = resolve;
    });
    return out;
  }

  /** The local and remote candidate types of the pair a connection uses, e.g. "host/host" or "relay/relay". */
  async function selectedPath(pc) {
    var stats = Array.from((await pc.getStats()).values());
    var transport = stats.find(function (s) {
      return s.type === 'transport';
    });
    var pair = stats.find(function (s) {
      return transport && s.id === transport.selectedCandidatePairId;
    });
    var byId = function (id) {
      return stats.find(function (s) {
        return s.id === id;
      });
    };
    var local = pair && byId(pair.localCandidateId);
    var remote = pair && byId(pair.remoteCandidateId);
    return (local ? local.candidateType : '?') + '/' + (remote ? remote.candidateType : '?');
  }

  /** One side of a bare RTCPeerConnection; `remoteSet` gates ICE candidates until the remote description is in. */
  function newPc(run, to, relay) {
    if (relay && !RELAY_CONFIG) throw new Error('a relayed run needs init({ turn })');
    var pc = new RTCPeerConnection(relay ? RELAY_CONFIG : RTC_CONFIG);
    var entry = { pc: pc, remoteSet: deferred(), frame: deferred() };
    state.pcs[run] = entry;
    state.local.getTracks().forEach(function (track) {
      pc.addTrack(track, state.local);
    });
    pc.onicecandidate = function (event) {
      if (event.candidate) send({ to: to, run: run, type: 'candidate', candidate: event.candidate.toJSON() });
    };
    var watched = false;
    pc.ontrack = function (event) {
      if (event.track.kind !== 'video' || watched) return;
      watched = true;
      window.benchFirstFrameAt(event.track).then(entry.frame.resolve);
    };
    return entry;
  }

  async function onRelay(event) {
    var message = JSON.parse(event.data);
    var entry = state.pcs[message.run];
    if (message.type === 'offer') {
      entry = newPc(message.run, message.from, message.relay === true);
      entry.frame.promise.then(function (at) {
        state.results['rtc' + message.run] = at;
      });
      await entry.pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
      entry.remoteSet.resolve();
      await entry.pc.setLocalDescription(await entry.pc.createAnswer());
      send({ to: message.from, run: message.run, type: 'answer', sdp: entry.pc.localDescription.sdp });
    } else if (message.type === 'answer' && entry) {
      await entry.pc.setRemoteDescription({ type: 'answer', sdp: message.sdp });
      entry.remoteSet.resolve();
    } else if (message.type === 'candidate' && entry) {
      await entry.remoteSet.promise;
      await entry.pc.addIceCandidate(message.candidate);
    } else if (message.type === 'bye' && entry) {
      entry.pc.close();
      delete state.pcs[message.run];
    }
  }

  window.bench = {
    results: state.results,
    /** Camera+mic (the same constraints as a Birdcall video call), the relay, and an open Peer. */
    init: async function (options) {
      state.me = options.name;
      // The same frame timing and the same step marks as in Birdcall's offscreen document.
      if (options.turn) RELAY_CONFIG = { iceServers: [options.turn], iceTransportPolicy: 'relay' };
      await load('/first-frame.js');
      await load('/instrument.js');
      window.benchInstrumentDocument();
      state.local = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true },
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      state.relay = new WebSocket(options.relayUrl + '?id=' + encodeURIComponent(options.name));
      state.relay.onmessage = function (event) {
        onRelay(event).catch(function (error) {
          console.error('bench relay', error);
        });
      };
      await new Promise(function (resolve, reject) {
        state.relay.onopen = resolve;
        state.relay.onerror = reject;
      });
      // The bare PeerServer on loopback, and no ICE servers instead of PeerJS's public defaults.
      var peer = new window.Peer(options.peerId, Object.assign({ debug: 1 }, options.server, { config: RTC_CONFIG }));
      state.peer = peer;
      peer.on('connection', function (connection) {
        connection.on('data', function (data) {
          state.results['data' + data.run] = now();
          connection.send({ ack: data.run });
        });
      });
      peer.on('call', function (call) {
        var run = call.metadata && call.metadata.run;
        var watched = false;
        call.answer(state.local);
        call.on('stream', function (stream) {
          var track = stream.getVideoTracks()[0];
          if (!track || watched) return;
          watched = true;
          window.benchFirstFrameAt(track).then(function (at) {
            state.results['call' + run] = at;
          });
        });
      });
      await new Promise(function (resolve, reject) {
        peer.on('open', resolve);
        peer.on('error', reject);
      });
      return true;
    },
    /**
     * Bare RTCPeerConnection: offer -> first decoded frame here (the remote one is in results on the
     * other page). `relay`: both sides through the bench's coturn, relay candidates only. Also
     * returns the candidate pair used (read after the frame, outside the timing).
     */
    rtcCall: async function (run, to, relay) {
      var t0 = now();
      var entry = newPc(run, to, relay);
      await entry.pc.setLocalDescription(await entry.pc.createOffer());
      send({ to: to, run: run, type: 'offer', relay: relay === true, sdp: entry.pc.localDescription.sdp });
      var frameAt = await entry.frame.promise;
      return { t0: t0, frameAt: frameAt, path: await selectedPath(entry.pc) };
    },
    rtcHangup: function (run, to) {
      var entry = state.pcs[run];
      if (entry) entry.pc.close();
      delete state.pcs[run];
      send({ to: to, run: run, type: 'bye' });
    },
    /** PeerJS connect() -> open -> the first message delivered (stamped on the other page) -> its ack back. */
    peerData: function (run, remoteId) {
      return new Promise(function (resolve, reject) {
        var t0 = now();
        var openAt = NaN;
        var connection = state.peer.connect(remoteId, { reliable: true, metadata: { run: run } });
        connection.on('open', function () {
          openAt = now();
          connection.send({ run: run });
        });
        connection.on('data', function () {
          var ackAt = now();
          connection.close();
          resolve({ t0: t0, openAt: openAt, ackAt: ackAt });
        });
        connection.on('error', reject);
      });
    },
    /** PeerJS call() -> first decoded remote frame here; the answering side's is in its results. */
    peerCall: function (run, remoteId) {
      return new Promise(function (resolve, reject) {
        var t0 = now();
        var call = state.peer.call(remoteId, state.local, { metadata: { run: run } });
        var watched = false;
        call.on('stream', function (stream) {
          var track = stream.getVideoTracks()[0];
          if (!track || watched) return;
          watched = true;
          window.benchFirstFrameAt(track).then(function (frameAt) {
            resolve({ t0: t0, frameAt: frameAt });
            state.lastCall = call;
          });
        });
        call.on('error', reject);
      });
    },
    peerHangup: function () {
      if (state.lastCall) state.lastCall.close();
      state.lastCall = null;
    },
  };
})();
