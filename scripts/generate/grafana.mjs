// dashboards/grafana/dashboards/*.json: dashboards/grafana/build.mjs, with the rows' colours.
import { dashboardFiles } from '../../dashboards/grafana/build.mjs';
import { rowColourTable } from './row-colours.mjs';

export const grafanaDashboards = ({ manifests }) => dashboardFiles(rowColourTable(manifests).rows);
