/*
 * Shared by every measurement of "first decoded remote frame" (Birdcall's offscreen documents and
 * both baseline pages), so the three are timed the same way: a MediaStreamTrackProcessor on a clone
 * of the remote video track; its first VideoFrame is the first frame the decoder produced. Falls
 * back to a muted <video> reaching videoWidth > 0. Resolves with epoch ms (timeOrigin + now()).
 */
window.benchFirstFrameAt = function benchFirstFrameAt(track) {
  return new Promise(function (resolve) {
    var clone = track.clone();
    var done = function (at) {
      clone.stop();
      resolve(at);
    };
    if (typeof MediaStreamTrackProcessor === 'function') {
      var reader = new MediaStreamTrackProcessor({ track: clone }).readable.getReader();
      reader.read().then(
        function (result) {
          var at = performance.timeOrigin + performance.now();
          if (result.value) result.value.close();
          reader.cancel().catch(function () {});
          done(at);
        },
        function () {
          done(NaN);
        },
      );
      return;
    }
    var video = document.createElement('video');
    video.muted = true;
    video.srcObject = new MediaStream([clone]);
    var check = function () {
      if (video.videoWidth > 0) {
        var at = performance.timeOrigin + performance.now();
        video.srcObject = null;
        done(at);
      } else setTimeout(check, 1);
    };
    video.play().catch(function () {});
    check();
  });
};
