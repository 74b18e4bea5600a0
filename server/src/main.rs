use std::process::ExitCode;

/// Pages allocate many small strings while rendering; mimalloc serves them
/// faster than glibc's allocator under concurrent requests (figures in
/// docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    server::cli::run().await
}
