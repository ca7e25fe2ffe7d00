/*
 * Timestamps (epoch ms) of what happens inside Birdcall's own contexts during a call, for the
 * "where does the time go" breakdown. Installed by the bench with evaluate(); it wraps browser
 * APIs from the outside (prototypes, chrome.* functions) and changes no Birdcall code.
 * `benchInstrumentDocument` is for the offscreen document, `benchInstrumentWorker` for the
 * service worker. Both keep their marks in globalThis.__bench.events.
 */
globalThis.benchInstrumentDocument = function benchInstrumentDocument() {
  if (globalThis.__bench) return 'already';
  var now = function () {
    return performance.timeOrigin + performance.now();
  };
  var bench = (globalThis.__bench = { events: [] });
  var mark = function (name, detail) {
    bench.events.push({ name: name, at: now(), detail: detail });
  };
  // In the offscreen document: Birdcall's commands arriving. (The baseline pages have no chrome.runtime.)
  if (globalThis.chrome && chrome.runtime && chrome.runtime.onMessage) {
    chrome.runtime.onMessage.addListener(function (message) {
      if (message && message.to === 'offscreen') mark('offscreen:cmd:' + message.type);
      return undefined;
    });
  }

  var devices = navigator.mediaDevices;
  var getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = function (constraints) {
    mark('gum:start');
    return getUserMedia(constraints).then(
      function (stream) {
        mark('gum:end');
        return stream;
      },
      function (error) {
        mark('gum:error');
        throw error;
      },
    );
  };

  // RTCPeerConnection: each connection gets a kind ("data" for PeerJS DataConnections, "media"
  // for MediaConnections) from its SDP or senders, and its steps are marked "<kind>:<step>".
  var kinds = new WeakMap();
  var watched = new WeakSet();
  // Every connection seen, newest last, so the bench can read which candidate pair a call used.
  bench.pcs = [];
  var kindOf = function (pc, sdp) {
    if (!watched.has(pc)) {
      watched.add(pc);
      bench.pcs.push(pc);
      if (bench.pcs.length > 8) bench.pcs.shift();
      pc.addEventListener('connectionstatechange', function () {
        if (pc.connectionState === 'connected') mark((kinds.get(pc) || 'pc') + ':connected');
      });
    }
    var known = kinds.get(pc);
    if (known) return known;
    var kind = null;
    if (sdp) kind = /m=(audio|video)/.test(sdp) ? 'media' : /m=application/.test(sdp) ? 'data' : null;
    if (!kind && pc.getSenders().length > 0) kind = 'media';
    if (kind) kinds.set(pc, kind);
    return kind || 'pc';
  };
  var proto = RTCPeerConnection.prototype;
  ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription'].forEach(function (method) {
    var original = proto[method];
    proto[method] = function () {
      var description = arguments[0];
      var kind = kindOf(this, description && description.sdp);
      mark(kind + ':' + method + (description && description.type ? ':' + description.type : ''));
      return original.apply(this, arguments);
    };
  });
  var createDataChannel = proto.createDataChannel;
  proto.createDataChannel = function () {
    // PeerJS 1.5 MediaConnections open a data channel too (to signal close): senders mean media.
    kindOf(this);
    if (!kinds.get(this)) kinds.set(this, this.getSenders().length > 0 ? 'media' : 'data');
    var kind = kinds.get(this);
    mark(kind + ':createDataChannel');
    var channel = createDataChannel.apply(this, arguments);
    channel.addEventListener('open', function () {
      mark(kind + ':channel-open');
    });
    return channel;
  };
  var wrapHandlerSetter = function (property, before) {
    var descriptor = Object.getOwnPropertyDescriptor(proto, property);
    Object.defineProperty(proto, property, {
      configurable: true,
      enumerable: descriptor.enumerable,
      get: descriptor.get,
      set: function (handler) {
        var pc = this;
        descriptor.set.call(
          this,
          typeof handler === 'function'
            ? function (event) {
                before(pc, event);
                return handler.call(this, event);
              }
            : handler,
        );
      },
    });
  };
  wrapHandlerSetter('ondatachannel', function (pc, event) {
    kindOf(pc);
    if (!kinds.get(pc)) kinds.set(pc, 'data');
    var kind = kinds.get(pc);
    mark(kind + ':remote-channel');
    event.channel.addEventListener('open', function () {
      mark(kind + ':channel-open');
    });
  });
  wrapHandlerSetter('ontrack', function (pc, event) {
    mark((kinds.get(pc) || 'media') + ':track:' + event.track.kind);
  });
  // The relay pre-connection carries nothing until Accept, when Birdcall gives its senders the tracks.
  var replaceTrack = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = function (track) {
    mark('sender:replaceTrack:' + (track ? track.kind : 'none'));
    return replaceTrack.apply(this, arguments);
  };

  // WebSockets: Birdcall's control socket to its service (ring, incoming, accept, connect...;
  // marked "ctl:<out|in>:<type>") and PeerJS's socket to the relay (OFFER/ANSWER, marked
  // "ws:<out|in>:<OFFER|ANSWER>:<media|data>"). Outgoing frames through WebSocket.prototype.send;
  // incoming ones when their handler reads MessageEvent.data (so sockets opened before this ran
  // are seen at once), stamped with the event's own time.
  var describe = function (data) {
    if (typeof data !== 'string') return null;
    try {
      var message = JSON.parse(data);
      if (message.type === 'OFFER' || message.type === 'ANSWER') return 'ws:{dir}:' + message.type + ':' + ((message.payload && message.payload.type) || '?');
      if (message.v === 1 && typeof message.type === 'string' && message.type !== 'ping' && message.type !== 'pong') return 'ctl:{dir}:' + message.type;
      return null;
    } catch (error) {
      return null;
    }
  };
  var send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    var what = describe(data);
    if (what) mark(what.replace('{dir}', 'out'));
    return send.apply(this, arguments);
  };
  var dataDescriptor = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data');
  var seenEvents = new WeakSet();
  Object.defineProperty(MessageEvent.prototype, 'data', {
    configurable: true,
    enumerable: dataDescriptor.enumerable,
    get: function () {
      var data = dataDescriptor.get.call(this);
      if (!seenEvents.has(this) && this.target instanceof WebSocket) {
        seenEvents.add(this);
        var what = describe(data);
        if (what) bench.events.push({ name: what.replace('{dir}', 'in'), at: performance.timeOrigin + this.timeStamp });
      }
      return data;
    },
  });

  // The streams Birdcall publishes: the first decoded frame of each new remote video track.
  var seen = new WeakSet();
  var onMedia = function () {
    var media = globalThis.birdcallMedia || {};
    if (media.local && !seen.has(media.local)) {
      seen.add(media.local);
      mark('media:local');
    }
    if (media.remote && !seen.has(media.remote)) {
      seen.add(media.remote);
      mark('media:remote');
      var track = media.remote.getVideoTracks()[0];
      if (track) {
        globalThis.benchFirstFrameAt(track).then(function (at) {
          bench.events.push({ name: 'frame:first', at: at });
        });
      }
    }
  };
  window.addEventListener('birdcall-media-changed', onMedia);
  return 'installed';
};

globalThis.benchInstrumentWorker = function benchInstrumentWorker() {
  if (globalThis.__bench) return 'already';
  var now = function () {
    return performance.timeOrigin + performance.now();
  };
  var bench = (globalThis.__bench = { events: [] });
  var mark = function (name) {
    bench.events.push({ name: name, at: now() });
  };
  bench.mark = mark;
  chrome.runtime.onMessage.addListener(function (message) {
    if (message && message.to === 'background') mark('sw:msg:' + message.type);
    return undefined;
  });
  // Birdcall's `browser` (webextension-polyfill) calls chrome.* with a callback at call time.
  var wrap = function (owner, name, label) {
    var original = owner[name];
    if (typeof original !== 'function') return;
    owner[name] = function () {
      var args = Array.prototype.slice.call(arguments);
      mark(label + ':start');
      var last = args[args.length - 1];
      if (typeof last === 'function') {
        args[args.length - 1] = function () {
          mark(label + ':end');
          return last.apply(this, arguments);
        };
      }
      var result = original.apply(this, args);
      if (result && typeof result.then === 'function') {
        result.then(
          function () {
            mark(label + ':end');
          },
          function () {},
        );
      }
      return result;
    };
  };
  wrap(chrome.notifications, 'create', 'sw:notification');
  wrap(chrome.windows, 'create', 'sw:window-create');
  wrap(chrome.offscreen, 'createDocument', 'sw:offscreen-create');
  wrap(chrome.runtime, 'sendMessage', 'sw:send');
  wrap(chrome.storage.local, 'set', 'sw:storage-set');
  return 'installed';
};
