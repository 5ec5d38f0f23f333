// The question asked when a project cannot be opened for writing because
// another writer holds it (the app in another window, or `waveplan` in a
// terminal): the shell's sentence naming the holder, then "Open read-only"
// or "Cancel". It does not decide who holds the file or whether it can be
// opened; the shell does.
import { actions, useStore } from "../store";
import { Dialog } from "./Dialog";

export function LockedDialog() {
  const locked = useStore((s) => s.locked);
  if (!locked) return null;
  return (
    <Dialog label="Project in use" describedBy="locked-message" onClose={actions.cancelLocked} centred className="dialog">
      <div data-locked-dialog>
        <h2>This project is in use</h2>
        <p className="warn-text" id="locked-message" data-locked-message>
          {locked.message}
        </p>
        <p className="muted">
          Read-only, you can look at everything (the plan, the inventory, the history) but change nothing. To edit it, close it where it is open,
          then open it again.
        </p>
        <div className="panel-actions">
          <button onClick={actions.cancelLocked} data-locked-cancel>
            Cancel
          </button>
          <button className="primary" onClick={() => void actions.openReadOnly()} data-autofocus data-open-read-only>
            Open read-only
          </button>
        </div>
      </div>
    </Dialog>
  );
}
