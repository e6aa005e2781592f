// The ECharts of the pages with the world map and the country network
// (echarts-entry.js and map and graph charts): only the chart types and components
// that the pages' chart options use (web/*.go builds them; grep for
// "type": in analytics_*.go, parks.go, programme_runs.go), drawn with
// the SVG renderer that web/static/app.js asks for. A chart type or
// component missing here makes echarts.init draw nothing and log an error
// in the console, which the browser test of the charts catches: add it
// here and run echarts.sh.
import * as echarts from "echarts/core";
import { BarChart, GraphChart, HeatmapChart, LineChart, MapChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent, VisualMapContinuousComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, GraphChart, HeatmapChart, LineChart, MapChart, GridComponent, LegendComponent,
	TooltipComponent, VisualMapContinuousComponent, SVGRenderer]);

// app.js calls echarts.init; the world map registers its boundaries
// (registerMap); exporting no more lets esbuild drop the rest.
export { init, getInstanceByDom, registerMap } from "echarts/core";
