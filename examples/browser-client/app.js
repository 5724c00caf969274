// A <textarea> bound to one file of a shared Dist-Space workspace, with the client's browser
// bundle and nothing else. The page's address says where to connect:
//   index.html?server=ws://127.0.0.1:4455/&token=...&workspace=demo&file=notes.md
// (a real application gets its token from its own backend, not from the address bar).
import { Client, diffText, mapPosition } from './dist-space-client.js';

const params = new URLSearchParams(location.search);
const server = params.get('server') ?? `ws://${location.hostname}:4455/`;
const token = params.get('token') ?? undefined;
const workspaceName = params.get('workspace') ?? 'demo';
const path = params.get('file') ?? 'notes.md';

const textarea = document.querySelector('textarea');
const status = document.querySelector('#status');
document.querySelector('#where').textContent = `${workspaceName}/${path}`;

function showStatus(text, state) {
  status.textContent = text;
  status.dataset.state = state;
}

try {
  const client = await Client.connect({ url: server, token, agent: 'browser-example' });
  const workspace = await client.open(workspaceName, { create: true });
  if (!workspace.read(path).ok) workspace.createFile(path);

  const read = () => {
    const text = workspace.read(path);
    return text.ok ? text.value : '';
  };
  const update = () => {
    const pending = workspace.pendingCount;
    const sync = pending === 0 ? 'synced' : `${pending} pending`;
    showStatus(`${client.state} · revision ${workspace.revision} · ${sync}`, client.state);
  };

  // What the textarea showed after the last event: typing is the difference from it.
  let shown = read();
  textarea.value = shown;
  textarea.disabled = false;

  // Local input: turn the difference into ops; the handle applies them at once and sends them.
  textarea.addEventListener('input', () => {
    const ops = diffText(shown, textarea.value);
    shown = textarea.value;
    const edited = workspace.edit(path, ops);
    if (!edited.ok) showStatus(edited.error.message, 'error');
  });

  // Undo and redo take back this user's own edits only, not what others typed meanwhile.
  textarea.addEventListener('beforeinput', (event) => {
    if (event.inputType === 'historyUndo' || event.inputType === 'historyRedo') {
      event.preventDefault();
      if (event.inputType === 'historyUndo') workspace.undo();
      else workspace.redo();
    }
  });

  // Every change of the file that the textarea does not show yet (others' typing, an undo, a
  // refused change rolled back): show it, with the cursor moved through the change, so that it
  // stays next to the same character.
  workspace.on('change', ({ change }) => {
    update();
    const text = read();
    if (text === shown) return;
    const file = workspace.state.resolve(path);
    let { selectionStart: start, selectionEnd: end } = textarea;
    for (const op of change) {
      if (file.ok && op.type === 'edit' && op.id === file.value.id) {
        start = mapPosition(start, op.change).pos;
        end = mapPosition(end, op.change).pos;
      }
    }
    const direction = textarea.selectionDirection;
    textarea.value = shown = text;
    textarea.setSelectionRange(start, end, direction);
  });
  workspace.on('synced', update);
  client.on('connection', update);
  update();

  // For the devtools console (try distSpace.workspace.read('notes.md')) and the browser test.
  window.distSpace = { client, workspace };
} catch (error) {
  showStatus(`Could not open ${workspaceName} on ${server}: ${error.message}`, 'closed');
}
