package dev.concurrencylab.workload;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What every task of an experiment does. The JSON field {@code type} selects the kind.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = SleepWorkload.class, name = SleepWorkload.TYPE),
		@JsonSubTypes.Type(value = CpuWorkload.class, name = CpuWorkload.TYPE),
		@JsonSubTypes.Type(value = MixedWorkload.class, name = MixedWorkload.TYPE),
		@JsonSubTypes.Type(value = HttpWorkload.class, name = HttpWorkload.TYPE),
		@JsonSubTypes.Type(value = LockWorkload.class, name = LockWorkload.TYPE),
		@JsonSubTypes.Type(value = DbWorkload.class, name = DbWorkload.TYPE),
		@JsonSubTypes.Type(value = FileWorkload.class, name = FileWorkload.TYPE),
		@JsonSubTypes.Type(value = StepsWorkload.class, name = StepsWorkload.TYPE) })
public sealed interface Workload permits SleepWorkload, CpuWorkload, MixedWorkload, HttpWorkload, LockWorkload,
		DbWorkload, FileWorkload, StepsWorkload {

	/** Every type id, as {@code type} takes them. */
	java.util.List<String> TYPES = java.util.List.of(SleepWorkload.TYPE, CpuWorkload.TYPE, MixedWorkload.TYPE,
			HttpWorkload.TYPE, LockWorkload.TYPE, DbWorkload.TYPE, FileWorkload.TYPE, StepsWorkload.TYPE);

	/** The JSON type id, also used as the {@code workload} metric tag. */
	String typeId();

	/** Milliseconds one task spends waiting (sleep, HTTP answer). */
	long waitMillisPerTask();

	/** Kernel iterations one task computes. */
	long iterationsPerTask();

}
