// Import: files picked or dropped, each with its detected format and first
// rows; a column mapping for a spreadsheet of no known format (suggested by
// the shell, edited here, saved as a profile); the read's progress with rows
// per second, cancellable; the diagnostics with file:line:column; the
// conflicts between sources, each settled by a source, a typed value or the
// precedence; the counts before and after. Nothing is saved until "Import"
// (and never with an error), and nothing at all into a project opened
// read-only.
import { useEffect, useState } from "react";
import { actions, READ_ONLY_REASON, useStore } from "../store";
import { api } from "../ipc/api";
import type { ConflictView, DiagnosticView, ImportFileView, ImportProgress, MappingView } from "../ipc/types";
import { count } from "../format";

export function ImportWizard() {
  const preview = useStore((s) => s.importPreview);
  const progress = useStore((s) => s.importProgress);
  const readOnly = useStore((s) => s.project?.readOnly ?? false);
  return (
    <section className="import">
      {readOnly && (
        <p className="warning" data-import-read-only>
          This project is open read-only: nothing can be imported into it. {READ_ONLY_REASON}
        </p>
      )}
      <div className="dropzone" data-dropzone>
        <p>
          <strong>Drop inventory files on this window</strong>, or
        </p>
        <button className="primary" onClick={() => void actions.pickImportFiles()} data-pick-files disabled={progress !== null || readOnly}>
          Choose files…
        </button>
        <p className="muted">
          RVTools, Azure Migrate, AWS Migration Hub and Cloud Migration Factory, ServiceNow CMDB, Google Migration Center, netstat/ss captures, VPC
          flow logs, Waveplan's own CSV tables, and any other spreadsheet through a column mapping. Each file is recognised by its content.
        </p>
      </div>
      {progress && <ReadProgress progress={progress} />}
      {preview && (
        <>
          <h3>Files</h3>
          {preview.files.map((f) => (
            <FileCard file={f} key={f.path} />
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
          <h3>Conflicts between sources: {preview.conflicts.length}</h3>
          <Conflicts list={preview.conflicts} precedence={preview.precedence} />
          <div className="import-actions">
            <button className="primary" disabled={preview.errors > 0 || readOnly} onClick={() => void actions.commitImport()} data-commit-import>
              {preview.errors > 0 ? "Fix the errors to import" : `Import ${count(preview.files.length, "file")}`}
            </button>
            <span className="muted">
              {preview.rows > 0 && `${preview.rows.toLocaleString("en")} rows `}read and merged in {preview.seconds.toFixed(2)} s. All or nothing: an
              import with an error saves nothing.
            </span>
          </div>
        </>
      )}
    </section>
  );
}

/** Bytes read of all, rows so far and their rate, and Cancel. */
export function ReadProgress({ progress }: { progress: ImportProgress }) {
  const share = progress.totalBytes > 0 ? Math.min(1, progress.bytes / progress.totalBytes) : 0;
  const rate = progress.seconds > 0 ? progress.rows / progress.seconds : 0;
  return (
    <div className="read-progress" data-import-progress>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share * 100)}>
        <div className="fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <span data-rate>
        {progress.stage}: {(progress.bytes / 1048576).toFixed(1)} of {(progress.totalBytes / 1048576).toFixed(1)} MB,{" "}
        {Math.round(progress.rows).toLocaleString("en")} rows, {Math.round(rate).toLocaleString("en")} rows/s
      </span>
      <button onClick={() => void actions.cancelImport()} data-cancel-import>
        Cancel
      </button>
    </div>
  );
}

function FileCard({ file }: { file: ImportFileView }) {
  const unknown = file.format === null || file.mapping !== null;
  return (
    <div className="file" data-import-file={file.name}>
      <div className="file-head">
        <strong>{file.name}</strong>
        <span className={`badge${file.format ? "" : " bad"}`} data-format>
          {file.format ?? "not recognised"}
        </span>
        {file.mapping && <span className="badge">mapping: {file.mapping}</span>}
        <span className="muted">{(file.bytes / 1024).toFixed(1)} KB</span>
      </div>
      {file.rows.length > 0 && (
        <div className="table-scroll">
          <table className="preview">
            {file.headers.length > 0 && (
              <thead>
                <tr>
                  {file.headers.map((h, i) => (
                    <th key={i}>{h}</th>
                  ))}
                </tr>
              </thead>
            )}
            <tbody>
              {file.rows.map((r, i) => (
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
      {unknown && file.headers.length > 0 && <MappingEditor file={file} />}
    </div>
  );
}

/** Which column is which field, for a spreadsheet of no known format. */
export function MappingEditor({ file }: { file: ImportFileView }) {
  const [mapping, setMapping] = useState<MappingView | null>(null);
  const [table, setTable] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .mappingForFile(file.name, table)
      .then((m) => live && setMapping(m))
      .catch((e) => live && setError(String(e.message ?? e)));
    return () => {
      live = false;
    };
  }, [file.name, table]);
  if (error) return <p className="error">{error}</p>;
  if (!mapping) return <p className="muted">Suggesting a column mapping…</p>;
  const setColumn = (field: string, header: string) =>
    setMapping({ ...mapping, fields: mapping.fields.map((f) => (f.field === field ? { ...f, header: header || null } : f)) });
  const apply = async (save: boolean) => {
    const columns: Record<string, string> = {};
    for (const f of mapping.fields) if (f.header) columns[f.field] = f.header;
    await actions.applyMapping(file.name, { name: mapping.name, table: mapping.table, columns, units: mapping.units }, save);
  };
  return (
    <div className="mapping" data-mapping={file.name}>
      <p>
        {file.mapping ? "Read with the mapping below." : "No known format: say which column is which, then read the file with it."}
        {file.profiles.length > 0 && ` Saved profiles that fit: ${file.profiles.join(", ")}.`}
      </p>
      <label>
        Rows are{" "}
        <select value={mapping.table} onChange={(e) => setTable(e.target.value)} data-mapping-table>
          {mapping.tables.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>{" "}
      <label>
        Profile name <input value={mapping.name} onChange={(e) => setMapping({ ...mapping, name: e.target.value })} data-mapping-name />
      </label>
      <table className="mapping-fields">
        <tbody>
          {mapping.fields.map((f) => (
            <tr key={f.field} data-mapping-field={f.field}>
              <th>
                {f.field}
                {f.required && <span className="required"> (required)</span>}
              </th>
              <td>
                <select value={f.header ?? ""} onChange={(e) => setColumn(f.field, e.target.value)}>
                  <option value="">(none)</option>
                  {mapping.headers.map((h) => (
                    <option key={h} value={h}>
                      {h}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button onClick={() => void apply(false)} data-apply-mapping>
        Read with this mapping
      </button>{" "}
      <button className="primary" onClick={() => void apply(true)} data-save-mapping>
        Save as profile and read
      </button>
    </div>
  );
}

function Diagnostics({ list }: { list: DiagnosticView[] }) {
  if (list.length === 0) return <p className="muted">None.</p>;
  return (
    <div className="table-scroll diagnostics">
      <table>
        <thead>
          <tr>
            <th />
            <th>File</th>
            <th>Line</th>
            <th>Column</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {list.slice(0, 500).map((d, i) => (
            <tr key={i} className={d.severity} data-diagnostic>
              <td>
                <span className={`badge ${d.severity === "error" ? "bad" : d.severity === "warning" ? "warn" : ""}`}>{d.severity}</span>
              </td>
              <td className="mono">{[d.file, d.sheet].filter((x) => x).join(" · ")}</td>
              <td className="mono">{d.line ?? ""}</td>
              <td className="mono">{d.column ?? ""}</td>
              <td>{d.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length > 500 && <p className="muted">…and {list.length - 500} more.</p>}
    </div>
  );
}

export function Conflicts({ list, precedence }: { list: ConflictView[]; precedence: string[] }) {
  if (list.length === 0) return <p className="muted">None: the sources agree on every field they share.</p>;
  return (
    <div className="table-scroll conflicts">
      <p className="muted">
        Unless you choose, the source precedence decides: {precedence.join(" › ")}. Your choices are kept in the project and settle the same
        conflict on every later import.
      </p>
      <table>
        <thead>
          <tr>
            <th>Record</th>
            <th>Field</th>
            <th>Values</th>
            <th>Kept</th>
          </tr>
        </thead>
        <tbody>
          {list.map((c) => (
            <ConflictRow conflict={c} key={`${c.record}/${c.name}/${c.field}`} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ConflictRow({ conflict }: { conflict: ConflictView }) {
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  const settle = async (choice: Parameters<typeof actions.resolveConflict>[1]) => setError(await actions.resolveConflict(conflict, choice));
  return (
    <tr data-conflict={`${conflict.name}/${conflict.field}`}>
      <td>
        <span className="muted">{conflict.record}</span> {conflict.name}
      </td>
      <td className="mono">{conflict.field}</td>
      <td>
        {conflict.values.map((v) => (
          <button
            key={v.source}
            className={v.source === conflict.kept.source ? "chosen" : ""}
            title={`Keep ${v.source}'s value`}
            onClick={() => void settle({ kind: "source", value: v.source })}
            data-choose-source={v.source}
          >
            {v.value} <span className="muted">({v.source})</span>
          </button>
        ))}
        <form
          className="typed"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) void settle({ kind: "value", value: typed });
          }}
        >
          <input value={typed} placeholder="or type a value" onChange={(e) => setTyped(e.target.value)} data-type-value />
        </form>
        {conflict.resolved && (
          <button className="link" onClick={() => void settle({ kind: "precedence" })} data-use-precedence>
            use the precedence
          </button>
        )}
        {error && <div className="error">{error}</div>}
      </td>
      <td data-kept>
        <strong>{conflict.kept.value}</strong> <span className="muted">{conflict.resolved ? "your choice" : "by precedence"}</span>
      </td>
    </tr>
  );
}
