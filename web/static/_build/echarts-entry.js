// The ECharts that Silkbridge ships: only the chart types and components
// that the pages' chart options use (web/*.go builds them; grep for
// "type": in analytics_*.go, parks.go, programme_runs.go), drawn with
// the SVG renderer that web/static/app.js asks for. A chart type or
// component missing here makes echarts.init draw nothing and log an error
// in the console, which the browser test of the charts catches: add it
// here and run echarts.sh.
import * as echarts from "echarts/core";
import { BarChart, HeatmapChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent, VisualMapContinuousComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, HeatmapChart, LineChart, GridComponent, LegendComponent,
	TooltipComponent, VisualMapContinuousComponent, SVGRenderer]);

// app.js calls echarts.init; exporting no more lets esbuild drop the rest.
// The world map and the network add map and graph charts in
// echarts-world-entry.js, loaded only on the pages that draw them.
export { init, getInstanceByDom } from "echarts/core";
