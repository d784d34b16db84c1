// Runs inside the ER diagram webview: renders the Mermaid text the extension posts
// (`{ type: 'erd', text }`), again each time the model changes.
(function () {
  const vscode = acquireVsCodeApi();
  const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
  // Natural size (the panel scrolls): a large schema scaled to the panel's width is unreadable.
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'neutral', er: { useMaxWidth: false } });
  const status = document.getElementById('status');
  const diagram = document.getElementById('diagram');
  let renders = 0;

  async function render(text) {
    renders += 1;
    const mine = renders;
    try {
      const { svg } = await mermaid.render('erd-' + mine, text);
      if (mine !== renders) {
        return; // a newer model arrived while this one rendered
      }
      diagram.innerHTML = svg;
      status.textContent = /\{|--/.test(text) ? '' : 'No entities found in this workspace.';
    } catch (err) {
      status.textContent = 'Mermaid could not render the diagram: ' + (err && err.message ? err.message : String(err));
    }
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'erd' && typeof message.text === 'string') {
      render(message.text);
    } else if (message && message.type === 'error') {
      status.textContent = message.text;
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
