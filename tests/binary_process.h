// The real `fundledger` binary from a test: run a command and capture its
// output, or keep `serve` running as a child process.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace fl::test {

struct CommandOutput {
  int status = -1;  // exit code, -1 if it did not exit normally
  std::string out, err;
};

// Runs FL_BINARY with `args` (shell words already quoted).
CommandOutput RunBinary(const std::string& args);

// `fundledger serve --data DIR --listen 127.0.0.1:0 [extra...]` as a child
// process, ready once its first stdout line says where it listens. The
// destructor kills it (SIGKILL) if Terminate or Kill was not called.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& dir,
                        const std::vector<std::string>& extra = {});
  // Any long-running command whose first stdout line is {"listen": ...}
  // (`mirror --listen`): `args` after the program name; stderr goes to
  // `stderr_file` when given, else /dev/null.
  ServeProcess(const std::vector<std::string>& args,
               const std::string& stderr_file);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  const std::string& port() const { return port_; }
  // SIGTERM, then the exit status (or -1 if it did not exit normally).
  int Terminate();
  // SIGKILL, as a crash; true if it was still running and died of it.
  bool Kill();

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string port_;
};

// Any `fundledger` command that serves (serve, witness) as a child
// process, ready once its first stdout line (JSON with "listen") appears.
// The destructor kills it (SIGKILL) unless Kill or Terminate ran.
class ListeningProcess {
 public:
  explicit ListeningProcess(const std::vector<std::string>& args);
  ~ListeningProcess();
  ListeningProcess(const ListeningProcess&) = delete;
  ListeningProcess& operator=(const ListeningProcess&) = delete;
  const std::string& port() const { return port_; }
  const std::string& ready_line() const { return ready_; }
  void Kill();      // SIGKILL: a crash, no goodbye
  int Terminate();  // SIGTERM, then the exit status

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string port_, ready_;
};

}  // namespace fl::test
