/*
 * A stand-in for X's React timeline, run in the page's main world as page script (the bench adds it
 * with a <script> element, so the CPU profile counts it as the page's; a pass starts on a window
 * message, so starting one changes nothing in the DOM). Cells are made from the
 * page's own cells (`[data-testid="cellInnerDiv"]`) as templates, the way React makes them: render
 * (a tree of element descriptions built in JS from the cell's props), then commit (DOM nodes made
 * element by element, the cell appended to the list). After each burst every mounted cell renders
 * again with new props (its position in the virtualized list, its counts, its age) and only what
 * changed is patched: attribute and text churn on the visible cells. The oldest cells beyond `keep`
 * are unmounted (X virtualizes its list), and the next burst waits for a new task (a
 * MessageChannel: timers in background tabs are throttled) in an async/await continuation, as
 * React's scheduler resumes work; CDP's ScriptDuration leaves such continuations out, a CPU
 * profile does not.
 */
window.benchDriveTimeline = async function benchDriveTimeline(options) {
  var total = options.total;
  var burst = options.burst;
  var keep = options.keep;
  var HTML = 'http://www.w3.org/1999/xhtml';
  var cells = document.querySelectorAll('[data-testid="cellInnerDiv"]');
  var list = cells[0].parentElement;
  var templates = Array.prototype.map.call(cells, function (cell) {
    return cell.cloneNode(true);
  });

  // Render: the description of one cell for its props. Every element with an aria-label carries
  // the counts (X's engagement bar and buttons do), every <time> the age, the root the position.
  function render(node, props, isRoot) {
    if (node.nodeType === 3) return { text: node.parentNode.localName === 'time' ? props.age + 'm' : node.data };
    if (node.nodeType !== 1) return { text: '' };
    var attrs = {};
    for (var i = 0; i < node.attributes.length; i++) {
      var attr = node.attributes[i];
      var value = attr.value;
      if (attr.name === 'href') value = value.replace(/\/status\/\d+/, '/status/' + props.id);
      else if (attr.name === 'aria-label') value = value + ' ' + props.likes;
      attrs[attr.name] = value;
    }
    if (isRoot) attrs.style = 'position: absolute; width: 100%; transform: translateY(' + props.top + 'px);';
    var children = [];
    for (var child = node.firstChild; child; child = child.nextSibling) children.push(render(child, props, false));
    return { tag: node.localName, ns: node.namespaceURI, attrs: attrs, children: children };
  }

  // Commit: DOM nodes for a description, element by element.
  function create(description) {
    if (description.tag === undefined) return document.createTextNode(description.text);
    var element = description.ns === HTML ? document.createElement(description.tag) : document.createElementNS(description.ns, description.tag);
    for (var name in description.attrs) element.setAttribute(name, description.attrs[name]);
    for (var i = 0; i < description.children.length; i++) element.appendChild(create(description.children[i]));
    return element;
  }

  // Reconcile: the same shape with new props; only changed attributes and texts touch the DOM.
  var patches = 0;
  function patch(node, before, after) {
    if (after.tag === undefined) {
      if (before.text !== after.text) {
        node.nodeValue = after.text;
        patches++;
      }
      return;
    }
    for (var name in after.attrs) {
      if (before.attrs[name] !== after.attrs[name]) {
        node.setAttribute(name, after.attrs[name]);
        patches++;
      }
    }
    var child = node.firstChild;
    for (var i = 0; i < after.children.length; i++, child = child.nextSibling) patch(child, before.children[i], after.children[i]);
  }

  function tick() {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = resolve;
      channel.port2.postMessage(0);
    });
  }

  var mounted = [];
  var made = 0;
  var top = 0;
  while (made < total) {
    for (var i = 0; i < burst && made < total; i++, made++) {
      var props = { id: String(2000000000000000000 + made), likes: made % 97, age: 0, top: top };
      top += 600;
      var template = templates[made % templates.length];
      var description = render(template, props, true);
      var node = create(description);
      list.appendChild(node);
      mounted.push({ node: node, template: template, props: props, description: description });
    }
    for (var m = 0; m < mounted.length; m++) {
      var cell = mounted[m];
      var next = { id: cell.props.id, likes: cell.props.likes + (m % 3 === 0 ? 1 : 0), age: cell.props.age + 1, top: cell.props.top - 60 };
      var rendered = render(cell.template, next, true);
      patch(cell.node, cell.description, rendered);
      cell.props = next;
      cell.description = rendered;
    }
    while (mounted.length > keep) mounted.shift().node.remove();
    await tick();
  }
  for (var k = 0; k < mounted.length; k++) mounted[k].node.remove();
  return { cells: made, patches: patches };
};

window.addEventListener('message', function (event) {
  if (event.source !== window || !event.data || !event.data.benchDriveTimeline) return;
  window.benchDriveTimeline(event.data.benchDriveTimeline).then(function (result) {
    window.benchTimelineDone(result);
  });
});
