// libFuzzer: any request line through the router's matching and query
// parsing never crashes; a match names a route of the table and every
// "{name}" of its template.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/http/http_router.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::size_t space = in.find(' ');
  std::string_view method = in.substr(0, space);
  std::string_view target = space == std::string_view::npos
                                ? std::string_view()
                                : in.substr(space + 1);
  std::size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  auto m = fl::http::MatchRoute(method, path);
  if (m.route) {
    std::string_view tmpl = m.route->path;
    std::size_t names = 0;
    for (char c : tmpl) names += c == '{';
    if (m.params.size() != names || m.route->method != method) std::abort();
  } else {
    (void)fl::http::NoRoute(m, path);
  }
  if (q != std::string_view::npos)
    (void)fl::http::ParseQuery(target.substr(q + 1));
  return 0;
}
