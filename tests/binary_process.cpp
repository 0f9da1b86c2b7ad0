#include "binary_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "ledger/canonical_json.h"
#include "test_util.h"

namespace fl::test {

CommandOutput RunBinary(const std::string& args) {
  TempDir tmp;
  std::string err_file = tmp.str() + "/stderr.txt";
  std::string cmd = std::string(FL_BINARY) + " " + args + " 2>" + err_file;
  CommandOutput o;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) o.out.append(buf, n);
  int st = ::pclose(p);
  o.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  o.err = ReadFile(err_file);
  return o;
}

ServeProcess::ServeProcess(const std::string& dir,
                           const std::vector<std::string>& extra)
    : ServeProcess(
          [&] {
            std::vector<std::string> args = {"serve", "--data", dir, "--listen",
                                             "127.0.0.1:0"};
            args.insert(args.end(), extra.begin(), extra.end());
            return args;
          }(),
          "") {}

ServeProcess::ServeProcess(const std::vector<std::string>& args,
                           const std::string& stderr_file) {
  std::vector<std::string> argv_text = {"fundledger"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    int err = stderr_file.empty() ? ::open("/dev/null", O_WRONLY)
                                  : ::open(stderr_file.c_str(),
                                           O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(err, STDERR_FILENO);
    ::execv(FL_BINARY, argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  out_ = fds[0];
  std::string line;
  char c;
  while (line.find('\n') == std::string::npos) {
    pollfd p{out_, POLLIN, 0};
    REQUIRE(::poll(&p, 1, 30'000) == 1);
    // EOF here: serve refused its arguments and exited.
    REQUIRE(::read(out_, &c, 1) == 1);
    line += c;
  }
  std::string listen = Json::parse(line).at("listen");
  port_ = listen.substr(listen.rfind(':') + 1);
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::close(out_);
}

bool ServeProcess::Kill() {
  if (pid_ <= 0) return false;
  ::kill(pid_, SIGKILL);
  int st = 0;
  ::waitpid(pid_, &st, 0);
  pid_ = -1;
  return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
}

int ServeProcess::Terminate() {
  ::kill(pid_, SIGTERM);
  int st = 0;
  ::waitpid(pid_, &st, 0);
  pid_ = -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

ListeningProcess::ListeningProcess(const std::vector<std::string>& args) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  std::vector<std::string> argv_store = {"fundledger"};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDERR_FILENO);
    ::execv(FL_BINARY, argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  out_ = fds[0];
  char c;
  while (ready_.find('\n') == std::string::npos) {
    pollfd p{out_, POLLIN, 0};
    REQUIRE(::poll(&p, 1, 10'000) == 1);
    REQUIRE(::read(out_, &c, 1) == 1);
    ready_ += c;
  }
  std::string listen = Json::parse(ready_).at("listen");
  port_ = listen.substr(listen.rfind(':') + 1);
}

ListeningProcess::~ListeningProcess() {
  Kill();
  ::close(out_);
}

void ListeningProcess::Kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

int ListeningProcess::Terminate() {
  ::kill(pid_, SIGTERM);
  int st = 0;
  ::waitpid(pid_, &st, 0);
  pid_ = -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace fl::test
