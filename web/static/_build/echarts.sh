#!/bin/sh
# Rebuilds web/static/vendor/echarts.min.js, a custom build of Apache
# ECharts with only the chart types and components the site draws
# (echarts-entry.js lists them), instead of the 1.1 MB full dist file.
#
# Needs Node.js and npm, at development time only: the output is committed
# and embedded in the binary; node_modules is not committed (and, being
# under a folder whose name starts with "_", is neither embedded nor seen
# by the go tool).
#
#   cd web/static/_build && ./echarts.sh
#
# To move to another ECharts version: change "echarts" in package.json
# (keep zrender as ECharts pins it), run `npm install`, then this script,
# and update web/static/vendor/README.md (version, checksum, licences).
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
build() { # entry, output, what it holds
	entry=$1 out=$2 holds=$3
	# The licence header travels with the file: Apache-2.0 asks for it, and
	# esbuild's --legal-comments=none would otherwise drop it.
	{
		printf '/*! Apache ECharts %s, custom build for Silkbridge (%s; SVG renderer).\n' "$version" "$holds"
		printf ' * Licensed under the Apache License, Version 2.0; see echarts.LICENSE and echarts.NOTICE beside this file.\n'
		printf ' * Includes zrender (BSD-3-Clause, echarts.LICENSE-zrender) and tslib (0BSD, echarts.LICENSE-tslib). */\n'
		./node_modules/.bin/esbuild "$entry" --bundle --minify --format=iife --global-name=echarts \
			--target=es2017 --legal-comments=none --log-level=warning
	} >"$out.tmp"
	mv "$out.tmp" "$out"
	wc -c "$out"
	sha256sum "$out"
}
version=$(node -p 'require("echarts/package.json").version')
build echarts-entry.js ../vendor/echarts.min.js "bar, line, heatmap; grid, legend, tooltip, visualMap"
build echarts-world-entry.js ../vendor/echarts-world.min.js "bar, line, heatmap, map, graph; grid, legend, tooltip, visualMap"
cp node_modules/echarts/LICENSE ../vendor/echarts.LICENSE
cp node_modules/echarts/NOTICE ../vendor/echarts.NOTICE
cp node_modules/echarts/licenses/LICENSE-d3 ../vendor/echarts.LICENSE-d3
cp node_modules/zrender/LICENSE ../vendor/echarts.LICENSE-zrender
