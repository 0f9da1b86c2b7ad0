// The console's web files, embedded at build time (tools/gen_assets.mjs).
#pragma once

#include <span>
#include <string_view>

namespace fl::console {

struct ConsoleAsset {
  std::string_view name;  // "index.html", "app.js", "echarts.min.js"
  std::string_view content_type;
  std::string_view bytes;
  std::string_view gzip;  // the same bytes gzipped; empty when not worth it
};

// Sorted by name.
std::span<const ConsoleAsset> ConsoleAssets();

}  // namespace fl::console
