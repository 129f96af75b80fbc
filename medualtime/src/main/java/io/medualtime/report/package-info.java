/**
 * {@code report.html}: the page of a run folder to look at instead of reading its metrics.json
 * ({@link io.medualtime.report.RunReport}), with inline SVG charts, confusion heat maps and 12-lead ECG strips.
 */
package io.medualtime.report;
