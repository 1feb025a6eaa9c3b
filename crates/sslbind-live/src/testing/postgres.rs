//! A real PostgreSQL server for the fleet database tests (`external-tools` suite): `initdb`
//! into a temporary folder with trust authentication, `pg_ctl start` on a free port on
//! 127.0.0.1 with its socket in that folder, a fresh database per test, and the server
//! stopped and its folder removed when the last test holding it is done. The programs are
//! found on the PATH, then in Debian's `/usr/lib/postgresql/*/bin`; as root they run as the
//! `postgres` user, since PostgreSQL refuses to run as root. Missing programs fail the test.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

use tempfile::TempDir;

/// A running server; stopped and removed when dropped.
pub struct Server {
    folder: TempDir,
    port: u16,
    bin: PathBuf,
    as_postgres_user: bool,
}

/// The server the tests of this process share, started by the first test that asks and
/// stopped when no test holds it any more.
pub fn server() -> Arc<Server> {
    static SHARED: Mutex<Weak<Server>> = Mutex::new(Weak::new());
    let mut shared = SHARED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(running) = shared.upgrade() {
        return running;
    }
    let started = Arc::new(Server::start());
    *shared = Arc::downgrade(&started);
    started
}

impl Server {
    /// Starts a new server.
    pub fn start() -> Server {
        let bin = find_bin();
        let folder =
            tempfile::Builder::new().prefix("sslbind-postgres-").tempdir().expect("a temporary folder");
        let as_postgres_user = owned_by_root(folder.path());
        if as_postgres_user {
            run(Command::new("chown").arg("postgres:").arg(folder.path()), "chown the folder to postgres");
        }
        let server = Server { port: free_port(), folder, bin, as_postgres_user };
        let data = server.data();
        server.run_tool(
            "initdb",
            &["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "-D", path_text(&data)],
        );
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            server.port,
            path_text(server.folder.path())
        );
        let log = server.folder.path().join("server.log");
        server.run_tool(
            "pg_ctl",
            &["-D", path_text(&data), "-o", &options, "-l", path_text(&log), "-w", "start"],
        );
        server
    }

    /// The URL of a new, empty database on this server.
    pub fn fresh_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!("fleet_test_{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let mut client = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .unwrap_or_else(|error| panic!("cannot connect to the test PostgreSQL server: {error}"));
        // A database name cannot be a parameter; this one is made of a counter.
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|error| panic!("cannot create the test database {name}: {error}"));
        self.url(&name)
    }

    /// The URL of database `name` on this server (user `postgres`, no password).
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    fn data(&self) -> PathBuf {
        self.folder.path().join("data")
    }

    /// The command that runs the server's program `tool`, as the `postgres` user when that
    /// is who owns the folder.
    fn tool(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        }
    }

    fn run_tool(&self, tool: &str, arguments: &[&str]) {
        let mut command = self.tool(tool);
        command.args(arguments).current_dir(self.folder.path());
        run(&mut command, tool);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Immediate: the databases are thrown away with the folder.
        let data = self.data();
        let _ = self.tool("pg_ctl").args(["-D", path_text(&data), "-m", "immediate", "-w", "stop"]).output();
    }
}

/// The folder holding initdb and pg_ctl: the PATH's, else the newest Debian install.
fn find_bin() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(folder) =
        on_path.into_iter().find(|folder| folder.join("initdb").is_file() && folder.join("pg_ctl").is_file())
    {
        return folder;
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    debian.sort();
    match debian.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "PostgreSQL's initdb and pg_ctl are neither on the PATH nor in /usr/lib/postgresql/*/bin: \
             install them with `apt-get install postgresql` (Debian/Ubuntu package postgresql); \
             the fleet database tests need a real server"
        ),
    }
}

#[cfg(unix)]
fn owned_by_root(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).map(|metadata| metadata.uid() == 0).unwrap_or(false)
}

#[cfg(not(unix))]
fn owned_by_root(_path: &Path) -> bool {
    false
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    listener.local_addr().expect("the listener's address").port()
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("a temporary path is UTF-8")
}

fn run(command: &mut Command, what: &str) {
    let output = command.output().unwrap_or_else(|error| {
        panic!("cannot run {what} ({error}): install PostgreSQL with `apt-get install postgresql`")
    });
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
