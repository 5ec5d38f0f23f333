//! Background work below the threads that answer the window.
//!
//! On a machine of two cores, a build of the planner's session started as a
//! project opens shares the processor with the thread drawing its board and
//! with the web view's own processes; lowered, it yields to them when both
//! want the processor. (It cannot give back what two busy vCPUs sharing one
//! core lose: BENCHMARKS.md, desktop run 5.)

/// The nice value background work runs at (the window's threads keep 0).
#[cfg(target_os = "linux")]
const BACKGROUND: i32 = 10;

/// Lowers the calling thread's priority; a refusal leaves it as it was
/// (the work is the same, only its share of the processor differs).
pub fn lower_this_thread() {
    // On Linux the nice value belongs to each thread: this one, by its id.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), BACKGROUND);
}
