/** JMH benchmarks. */
package io.medualtime.bench;
