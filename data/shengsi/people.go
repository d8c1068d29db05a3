package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/wangge/wangge/partition"
)

// The roster's names and phone numbers are SYNTHETIC: a surname common on
// the Zhoushan islands and one or two given-name characters, and a 138
// number drawn at random. Any likeness to a real person is chance.
const (
	surnames   = "陈王张李刘周徐林吴郑孙胡朱何沈邵金虞贺钟应傅翁黄杨顾邱蔡夏丁"
	givenChars = "海波涛军华明国建伟志勇强平东红英芳丽娟敏静燕霞玲雪洋帆舟岛渔港浪潮晨宁安康"
)

// personName draws a synthetic Chinese name.
func personName(rng *rand.Rand) string {
	sur, given := []rune(surnames), []rune(givenChars)
	name := string(sur[rng.IntN(len(sur))]) + string(given[rng.IntN(len(given))])
	if rng.IntN(3) > 0 {
		name += string(given[rng.IntN(len(given))])
	}
	return name
}

// phone draws a synthetic mobile number 138xxxxxxxx.
func phone(rng *rand.Rand) string { return fmt.Sprintf("138%08d", rng.IntN(100_000_000)) }

// roster is a grid's SYNTHETIC staff: a grid leader (网格长), a full-time
// grid worker (专职网格员), one or two part-time grid workers (兼职网格员)
// and a grid instructor (网格指导员); land grids also get the police
// officer of their area (网格警务员).
func roster(rng *rand.Rand, police bool) []partition.Staff {
	roles := []string{partition.RoleGridLeader, partition.RoleFullTime, partition.RolePartTime}
	if rng.IntN(2) == 0 {
		roles = append(roles, partition.RolePartTime)
	}
	roles = append(roles, partition.RoleInstructor)
	if police {
		roles = append(roles, partition.RolePolice)
	}
	out := make([]partition.Staff, len(roles))
	for i, r := range roles {
		out[i] = partition.Staff{Role: r, Name: personName(rng), Phone: phone(rng)}
	}
	return out
}
