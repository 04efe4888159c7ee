package dev.concurrencylab;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The feature packages and the direction of their dependencies. */
@AnalyzeClasses(packages = "dev.concurrencylab", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

	@ArchTest
	static final ArchRule featuresShouldBeFreeOfCycles = slices().matching("dev.concurrencylab.(*)..")
		.should()
		.beFreeOfCycles();

	@ArchTest
	static final ArchRule workloadsShouldKnowNothingOfHowTheyAreRun = noClasses().that()
		.resideInAPackage("..workload..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("..execution..", "..experiment..", "..report..", "..machine..");

	@ArchTest
	static final ArchRule modesShouldKnowNothingOfExperimentsOrReports = noClasses().that()
		.resideInAPackage("..execution..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("..experiment..", "..report..", "..machine..");

	@ArchTest
	static final ArchRule reportsShouldNotReachIntoTheWebLayer = noClasses().that()
		.resideInAPackage("..report..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("..experiment..", "org.springframework.web..");

	@ArchTest
	static final ArchRule workerProcessesShouldRunWithoutSpring = noClasses().that()
		.resideInAPackage("..worker..")
		.and()
		.doNotHaveSimpleName("WorkerLauncher")
		.and()
		.doNotHaveSimpleName("WorkerImages")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework..");

	@ArchTest
	static final ArchRule workersShouldOnlyKnowWorkloads = noClasses().that()
		.resideInAPackage("..worker..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("..execution..", "..experiment..", "..report..", "..machine..");

	@ArchTest
	static final ArchRule recordingsShouldKnowNothingOfWhatTheyRecord = noClasses().that()
		.resideInAPackage("..recording..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("..execution..", "..experiment..", "..report..", "..machine..", "..workload..");

}
