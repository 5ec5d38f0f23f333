// Import: files picked or dropped, each with its detected format and first
// rows; the diagnostics with file:line:column; the counts before and after.
// Nothing is saved until "Import" (and never with an error).
import { actions, useStore } from "../store";
import type { DiagnosticView } from "../ipc/types";
import { count } from "../format";

export function ImportWizard() {
  const preview = useStore((s) => s.importPreview);
  return (
    <section className="import">
      <div className="dropzone" data-dropzone>
        <p>
          <strong>Drop inventory files on this window</strong>, or
        </p>
        <button className="primary" onClick={() => void actions.pickImportFiles()} data-pick-files>
          Choose files…
        </button>
        <p className="muted">
          RVTools, Azure Migrate, AWS Migration Hub and Cloud Migration Factory, ServiceNow CMDB, Google Migration Center, netstat/ss captures, VPC
          flow logs, and Waveplan's own CSV tables. Each file is recognised by its content.
        </p>
      </div>
      {preview && (
        <>
          <h3>Files</h3>
          {preview.files.map((f) => (
            <div className="file" key={f.path} data-import-file={f.name}>
              <div className="file-head">
                <strong>{f.name}</strong>
                <span className={`badge${f.format ? "" : " bad"}`} data-format>
                  {f.format ?? "not recognised"}
                </span>
                <span className="muted">{(f.bytes / 1024).toFixed(1)} KB</span>
              </div>
              {f.rows.length > 0 && (
                <div className="table-scroll">
                  <table className="preview">
                    {f.headers.length > 0 && (
                      <thead>
                        <tr>
                          {f.headers.map((h, i) => (
                            <th key={i}>{h}</th>
                          ))}
                        </tr>
                      </thead>
                    )}
                    <tbody>
                      {f.rows.map((r, i) => (
                        <tr key={i}>
                          {r.map((c, j) => (
                            <td key={j}>{c}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ))}
          <h3>What the import does</h3>
          <table className="counts" data-import-counts>
            <thead>
              <tr>
                <th />
                <th>Now</th>
                <th>After the import</th>
              </tr>
            </thead>
            <tbody>
              {(["servers", "applications", "datastores", "devices", "dependencies", "constraints"] as const).map((k) => (
                <tr key={k} data-count={k}>
                  <th>{k === "datastores" ? "data stores" : k}</th>
                  <td>{preview.before[k].toLocaleString("en")}</td>
                  <td>{preview.after[k].toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>
            Diagnostics: {count(preview.errors, "error")}, {count(preview.warnings, "warning")}
          </h3>
          <Diagnostics list={preview.diagnostics} />
          <div className="import-actions">
            <button className="primary" disabled={preview.errors > 0} onClick={() => void actions.commitImport()} data-commit-import>
              {preview.errors > 0 ? "Fix the errors to import" : `Import ${count(preview.files.length, "file")}`}
            </button>
            <span className="muted">Read and merged in {preview.seconds.toFixed(2)} s. All or nothing: an import with an error saves nothing.</span>
          </div>
        </>
      )}
    </section>
  );
}

function Diagnostics({ list }: { list: DiagnosticView[] }) {
  if (list.length === 0) return <p className="muted">None.</p>;
  return (
    <div className="table-scroll diagnostics">
      <table>
        <tbody>
          {list.slice(0, 500).map((d, i) => (
            <tr key={i} className={d.severity}>
              <td>
                <span className={`badge ${d.severity === "error" ? "bad" : d.severity === "warning" ? "warn" : ""}`}>{d.severity}</span>
              </td>
              <td className="mono">
                {[d.file, d.sheet, d.line, d.column].filter((x) => x !== null && x !== undefined).join(":")}
              </td>
              <td>{d.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length > 500 && <p className="muted">…and {list.length - 500} more.</p>}
    </div>
  );
}
