// FL_CHECK stops the process, in release builds too, naming where and why.
#include "crypto/check.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <string>

namespace {

// Runs `body` in a forked child with stderr on a pipe; returns what the child
// wrote and its wait status.
template <class F>
std::pair<std::string, int> RunChild(F body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    // Catch2's own SIGABRT handler would report the abort as a failure of
    // this test from inside the child; the parent judges the abort instead.
    std::signal(SIGABRT, SIG_DFL);
    body();
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, n);
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return {out, status};
}

}  // namespace

TEST_CASE("a failed FL_CHECK aborts the child with file:line and context",
          "[check]") {
  int next = 7;
  auto [out, status] = RunChild(
      [&] { FL_CHECK(next == 8, "next_seq ", next, " but entry ", 8); });
  INFO(out);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(out.find("FL_CHECK failed at ") != std::string::npos);
  CHECK(out.find("check_test.cpp:") != std::string::npos);
  CHECK(out.find("next == 8") != std::string::npos);
  CHECK(out.find("next_seq 7 but entry 8") != std::string::npos);
}

TEST_CASE("a holding FL_CHECK lets the child carry on", "[check]") {
  auto [out, status] = RunChild([] { FL_CHECK(1 + 1 == 2, "arithmetic"); });
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(out.empty());
}
